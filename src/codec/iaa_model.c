/*
 * iaa_model.c - the timing model of an IAA device as the kernel's
 * iaa_crypto driver uses it (iaa.md §4.4): what a compress or decompress
 * would take on Sapphire Rapids, for the stand-in to report next to the
 * CPU time it actually spends.
 *
 * A submission is a set of independent jobs handed to the device back to
 * back by one CPU; each costs the CPU t_sub (building the descriptor and
 * MOVDIR64B/ENQCMD; plus a write() when that path is used). Jobs go
 * round-robin over D devices; on a device a job waits in the WQ (at most
 * wq_size waiting, otherwise the submitter retries) until one of its E
 * engines is free, then takes c0 + k*S (S = input bytes for compress,
 * output bytes for decompress). The CPU notices a completion t_detect
 * after it lands (polling), or t_detect + irq later with interrupts, and
 * never before it has finished submitting. verify_compress adds one
 * decompress of each output, submitted when the compress is noticed. A
 * decompress the device refuses is redone in software at sw_d per byte.
 *
 * Numbers (defaults) are fitted in iaa.md §4.4 to published kernel
 * measurements on SPR at 2.5 GHz: t_sub 300/160 ns (compress/decompress),
 * c0 = d0 = 500 ns, 0.49 ns/B compress, 0.27 ns/B decompress, t_detect
 * 400 ns, interrupt path +3.6 us. They reproduce 3.18 us sync compress,
 * 2.24 us sync decompress (Zanussi, v11 cover) and 5.47 us p50 for an
 * 8-page batch (Sridhar, v13 08/22); see test_iaa_model.c. Estimates, not
 * measurements: the write() cost (no published number), the ENQCMD
 * retry cost, and everything about contention: the model sees one
 * submitter on an idle device, so the 30-process usemem figures (9.6 us
 * per batch) are not reproduced, and page faults and IOTLB misses of a
 * userspace SVA path are not modelled.
 */
#include "codec/iaa.h"

#include <stdlib.h>
#include <string.h>

#include "common/compiler.h"
#include "zswapsim/common.h"

#define MODEL_MAX_DEVICES 64
#define MODEL_MAX_ENGINES 64

void zsim_iaa_model_defaults(struct zsim_iaa_model_params *p)
{
	*p = (struct zsim_iaa_model_params){
		.devices = 1,
		.engines = 8,
		.wq_size = 128,
		.sub_c_ns = 300,
		.sub_d_ns = 160,
		.write_ns = 750,
		.c0_ns = 500,
		.c_ps_per_b = 490,
		.d0_ns = 500,
		.d_ps_per_b = 270,
		.detect_ns = 400,
		.irq_ns = 3600,
		.retry_ns = 300,
		/* Kernel zlib inflate, 14,485 ns per 4 KiB page (Zanussi). */
		.sw_d_ps_per_b = 3536,
		.req_ns = 0,
		.wait = ZSIM_IAA_WAIT_POLL,
		.submit = ZSIM_IAA_SUBMIT_DIRECT,
		.verify = false,
	};
}

static int parse_u32(const char *v, uint32_t max, uint32_t *out)
{
	char *end;
	if (!*v || *v == '-')
		return ZSIM_EINVAL;
	unsigned long long x = strtoull(v, &end, 10);
	if (*end || x > max)
		return ZSIM_EINVAL;
	*out = (uint32_t)x;
	return 0;
}

int zsim_iaa_model_set(struct zsim_iaa_model_params *p, const char *key, const char *val)
{
	static const struct {
		const char *key;
		size_t off;
		uint32_t min, max;
	} u32s[] = {
		{"sub_c_ns", offsetof(struct zsim_iaa_model_params, sub_c_ns), 0, 1000000},
		{"sub_d_ns", offsetof(struct zsim_iaa_model_params, sub_d_ns), 0, 1000000},
		{"write_ns", offsetof(struct zsim_iaa_model_params, write_ns), 0, 1000000},
		{"c0_ns", offsetof(struct zsim_iaa_model_params, c0_ns), 0, 1000000},
		{"c_ps_per_b", offsetof(struct zsim_iaa_model_params, c_ps_per_b), 0, 1000000},
		{"d0_ns", offsetof(struct zsim_iaa_model_params, d0_ns), 0, 1000000},
		{"d_ps_per_b", offsetof(struct zsim_iaa_model_params, d_ps_per_b), 0, 1000000},
		{"detect_ns", offsetof(struct zsim_iaa_model_params, detect_ns), 0, 1000000},
		{"irq_ns", offsetof(struct zsim_iaa_model_params, irq_ns), 0, 1000000},
		{"retry_ns", offsetof(struct zsim_iaa_model_params, retry_ns), 0, 1000000},
		{"sw_d_ps_per_b", offsetof(struct zsim_iaa_model_params, sw_d_ps_per_b), 0, 1000000},
		{"req_ns", offsetof(struct zsim_iaa_model_params, req_ns), 0, 1000000},
	};
	uint32_t x;
	int rc;
	for (size_t i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		if (strcmp(key, u32s[i].key))
			continue;
		if ((rc = parse_u32(val, u32s[i].max, &x)))
			return rc;
		memcpy((char *)p + u32s[i].off, &x, sizeof(x));
		return 0;
	}
	if (!strcmp(key, "devices") || !strcmp(key, "engines") || !strcmp(key, "wq_size")) {
		uint32_t max = !strcmp(key, "devices") ? MODEL_MAX_DEVICES
			     : !strcmp(key, "engines") ? MODEL_MAX_ENGINES : 4096;
		if ((rc = parse_u32(val, max, &x)))
			return rc;
		if (!x)
			return ZSIM_EINVAL;
		if (!strcmp(key, "devices"))
			p->devices = x;
		else if (!strcmp(key, "engines"))
			p->engines = x;
		else
			p->wq_size = x;
		return 0;
	}
	if (!strcmp(key, "wait")) {
		if (!strcmp(val, "poll"))
			p->wait = ZSIM_IAA_WAIT_POLL;
		else if (!strcmp(val, "irq"))
			p->wait = ZSIM_IAA_WAIT_IRQ;
		else
			return ZSIM_EINVAL;
		return 0;
	}
	if (!strcmp(key, "submit")) {
		if (!strcmp(val, "direct"))
			p->submit = ZSIM_IAA_SUBMIT_DIRECT;
		else if (!strcmp(val, "write"))
			p->submit = ZSIM_IAA_SUBMIT_WRITE;
		else
			return ZSIM_EINVAL;
		return 0;
	}
	if (!strcmp(key, "verify")) {
		if (!strcmp(val, "0") || !strcmp(val, "1")) {
			p->verify = val[0] == '1';
			return 0;
		}
		return ZSIM_EINVAL;
	}
	return ZSIM_ENOENT;
}

static uint64_t ps_bytes(uint32_t ps_per_b, size_t bytes)
{
	return ((uint64_t)ps_per_b * bytes + 500) / 1000;
}

uint64_t zsim_iaa_model_service_ns(const struct zsim_iaa_model_params *p,
				   enum zsim_codec_op op, size_t bytes)
{
	if (op == ZSIM_CODEC_COMPRESS)
		return p->c0_ns + ps_bytes(p->c_ps_per_b, bytes);
	return p->d0_ns + ps_bytes(p->d_ps_per_b, bytes);
}

/* One device: engine free times and the start times of the jobs it took,
 * in submission order (for the WQ occupancy check). */
struct dev_state {
	uint64_t engine_free[MODEL_MAX_ENGINES];
	unsigned njobs;
};

static unsigned earliest_engine(const struct dev_state *d, unsigned engines)
{
	unsigned best = 0;
	for (unsigned e = 1; e < engines; e++)
		if (d->engine_free[e] < d->engine_free[best])
			best = e;
	return best;
}

void zsim_iaa_model_batch(const struct zsim_iaa_model_params *p, enum zsim_codec_op op,
			  struct zsim_iaa_model_job *jobs, unsigned n,
			  struct zsim_iaa_model_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!n)
		return;
	unsigned ndev = p->devices ? ZSIM_MIN(p->devices, MODEL_MAX_DEVICES) : 1;
	unsigned neng = p->engines ? ZSIM_MIN(p->engines, MODEL_MAX_ENGINES) : 1;
	unsigned wq = p->wq_size ? p->wq_size : 1;
	struct dev_state devs[MODEL_MAX_DEVICES];
	memset(devs, 0, sizeof(devs[0]) * ndev);
	/* Start time of each job, for the WQ check (jobs of one device in
	 * submission order are jobs i, i + ndev, ...). */
	uint64_t start_small[64];
	uint64_t *start = n <= 64 ? start_small : malloc(sizeof(uint64_t) * n);
	if (!start) {
		/* Out of memory for a huge modelled batch: report nothing. */
		return;
	}
	uint32_t sub = op == ZSIM_CODEC_COMPRESS ? p->sub_c_ns : p->sub_d_ns;
	if (p->submit == ZSIM_IAA_SUBMIT_WRITE)
		sub += p->write_ns;
	uint64_t detect = p->detect_ns + (p->wait == ZSIM_IAA_WAIT_IRQ ? p->irq_ns : 0);
	uint64_t cpu = p->req_ns; /* the CPU's clock */
	uint64_t busy = p->req_ns;
	for (unsigned i = 0; i < n; i++) {
		struct dev_state *d = &devs[i % ndev];
		unsigned k = d->njobs++;
		/* A WQ holds at most `wq` descriptors not yet on an engine:
		 * the (k - wq)th job of this device must have started. */
		if (k >= wq) {
			uint64_t freed = start[i - wq * ndev];
			if (cpu + sub < freed) {
				uint64_t wait = freed - sub - cpu;
				uint64_t r = p->retry_ns ? ZSIM_DIV_ROUND_UP(wait, p->retry_ns) : 1;
				uint64_t spent = p->retry_ns ? r * p->retry_ns : wait;
				cpu += spent;
				busy += spent;
				res->retries += (unsigned)r;
			}
		}
		cpu += sub;
		busy += sub;
		uint64_t svc = zsim_iaa_model_service_ns(p, op, jobs[i].bytes);
		unsigned e = earliest_engine(d, neng);
		uint64_t s = ZSIM_MAX(cpu, d->engine_free[e]);
		start[i] = s;
		d->engine_free[e] = s + svc;
		jobs[i].done_ns = s + svc;
		res->device_ns += svc;
	}
	/* Completions: noticed once the CPU is done submitting. */
	uint64_t last = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t t = ZSIM_MAX(jobs[i].done_ns, cpu) + detect;
		if (op == ZSIM_CODEC_COMPRESS && jobs[i].verify) {
			/* verify_compress: a decompress of the output, submitted
			 * when the compress is seen, on the same device. */
			struct dev_state *d = &devs[i % ndev];
			uint64_t vsub = t + p->sub_d_ns;
			unsigned e = earliest_engine(d, neng);
			uint64_t vsvc = zsim_iaa_model_service_ns(p, ZSIM_CODEC_DECOMPRESS,
								  jobs[i].bytes);
			uint64_t s = ZSIM_MAX(vsub, d->engine_free[e]);
			d->engine_free[e] = s + vsvc;
			res->device_ns += vsvc;
			busy += p->sub_d_ns;
			t = s + vsvc + detect;
		}
		if (op == ZSIM_CODEC_DECOMPRESS && jobs[i].sw_fallback) {
			uint64_t sw = ps_bytes(p->sw_d_ps_per_b, jobs[i].bytes);
			t += sw;
			busy += sw;
		}
		jobs[i].done_ns = t;
		last = ZSIM_MAX(last, t);
	}
	res->latency_ns = last;
	res->cpu_ns = busy;
	if (start != start_small)
		free(start);
}
