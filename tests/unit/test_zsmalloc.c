/*
 * test_zsmalloc.c - zsmalloc and the baselines through the public zpool
 * API: round trips in every access mode (objects spanning two pages
 * included, with the span-copy counters), the fill-only page formula,
 * fullness groups and the allocation target, bad input, bad handles,
 * failure injection without leaks, the baselines' page accounting.
 */
#include "testutil.h"

#include <malloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/compiler.h"
#include "common/rand.h"

static const enum zsim_zs_access modes[] = {ZSIM_ZS_ACCESS_MAP, ZSIM_ZS_ACCESS_READ_BEGIN,
					    ZSIM_ZS_ACCESS_SG};

static void fill(unsigned char *buf, size_t len, uint32_t tag)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)((tag >> ((i & 3) * 8)) + i * 31 + (i >> 7));
}

static void check_bytes(const unsigned char *buf, size_t len, uint32_t tag)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char want = (unsigned char)((tag >> ((i & 3) * 8)) + i * 31 + (i >> 7));
		if (buf[i] != want)
			fail_msg("byte %zu of %zu: %02x, want %02x (tag %08x)", i, len, buf[i],
				 want, tag);
	}
}

static struct zsim_zpool *make(const char *type, enum zsim_zs_era era, unsigned chain,
			       enum zsim_zs_access access, unsigned nr_cpus)
{
	struct zsim_zpool_config cfg = {.type = type, .era = era, .chain_size = chain,
					.access = access, .nr_cpus = nr_cpus};
	struct zsim_zpool *p;
	assert_int_equal(zsim_zpool_create(&cfg, &p), 0);
	return p;
}

/* Read the first len bytes through read_begin and check them. */
static void read_check(struct zsim_zpool *p, zsim_handle_t h, size_t len, uint32_t tag)
{
	unsigned char local[ZSIM_PAGE_SIZE];
	const void *ptr;
	assert_int_equal(zsim_zpool_read_begin(p, h, len, 0, local, &ptr), 0);
	check_bytes(ptr, len, tag);
	zsim_zpool_read_end(p, h, 0, ptr);
}

static void get_stats(struct zsim_zpool *p, struct zsim_zpool_stats *st)
{
	assert_int_equal(zsim_zpool_stats(p, st), 0);
}

/* Random sizes in every era and access mode, then every type. */
static void test_roundtrip(void **state)
{
	(void)state;
	struct zsim_rng rng;
	zsim_rng_seed(&rng, zsim_test_seed());
	const char *types[] = {"zsmalloc", "ideal", "malloc"};
	for (size_t t = 0; t < ZSIM_ARRAY_N(types); t++)
		for (int era = 0; era < 2; era++)
			for (size_t m = 0; m < ZSIM_ARRAY_N(modes); m++) {
				struct zsim_zpool *p = make(types[t], (enum zsim_zs_era)era, 0,
							    modes[m], 1);
				enum { N = 600 };
				zsim_handle_t h[N];
				size_t len[N];
				uint32_t tag[N];
				unsigned char buf[ZSIM_PAGE_SIZE];
				uint64_t bytes = 0;
				for (int i = 0; i < N; i++) {
					len[i] = 1 + zsim_rng_below(&rng, ZSIM_PAGE_SIZE);
					tag[i] = (uint32_t)zsim_rng_next(&rng);
					assert_int_equal(zsim_zpool_malloc(p, len[i], 0, &h[i]), 0);
					assert_true(h[i] != 0);
					fill(buf, len[i], tag[i]);
					assert_int_equal(zsim_zpool_write(p, h[i], buf, len[i], 0), 0);
					bytes += len[i];
				}
				struct zsim_zpool_stats st;
				get_stats(p, &st);
				assert_int_equal(st.objs_used, N);
				assert_int_equal(st.bytes_used, bytes);
				assert_int_equal(st.pages, zsim_zpool_total_pages(p));
				assert_true(st.pages >= (uint64_t)ZSIM_DIV_ROUND_UP(bytes, ZSIM_PAGE_SIZE));
				for (int i = 0; i < N; i++) {
					size_t sz = 0;
					assert_int_equal(zsim_zpool_obj_size(p, h[i], &sz), 0);
					assert_int_equal(sz, len[i]);
					read_check(p, h[i], len[i], tag[i]);
					void *mp;
					assert_int_equal(zsim_zpool_map(p, h[i], ZSIM_ZPOOL_MAP_RO, 0, &mp), 0);
					check_bytes(mp, len[i], tag[i]);
					zsim_zpool_unmap(p, h[i], 0);
					struct zsim_zpool_seg seg[2];
					unsigned char whole[ZSIM_PAGE_SIZE];
					int ns = zsim_zpool_read_sg_begin(p, h[i], len[i], seg);
					assert_true(ns == 1 || ns == 2);
					memcpy(whole, seg[0].addr, seg[0].len);
					if (ns == 2)
						memcpy(whole + seg[0].len, seg[1].addr, seg[1].len);
					check_bytes(whole, len[i], tag[i]);
					zsim_zpool_read_sg_end(p, h[i]);
					assert_int_equal(zsim_zpool_read_sg_begin(p, h[i], len[i] + 1, seg),
							 ZSIM_EINVAL);
					assert_int_equal(zsim_zpool_read_sg_begin(p, h[i], 1, NULL),
							 ZSIM_EINVAL);
				}
				/* Free in random order. */
				for (int i = N - 1; i > 0; i--) {
					int j = (int)zsim_rng_below(&rng, (uint64_t)i + 1);
					zsim_handle_t th = h[i];
					h[i] = h[j];
					h[j] = th;
				}
				for (int i = 0; i < N; i++)
					assert_int_equal(zsim_zpool_free(p, h[i]), 0);
				get_stats(p, &st);
				assert_int_equal(st.objs_used, 0);
				assert_int_equal(st.bytes_used, 0);
				assert_int_equal(st.pages, 0);
				assert_int_equal(st.zspages, 0);
				assert_int_equal(st.objs_allocated, 0);
				zsim_zpool_destroy(p);
			}
}

/* Fill only: pages = sum over classes of ceil(objects / objs) * ppz. */
static void test_fill_page_formula(void **state)
{
	(void)state;
	struct zsim_rng rng;
	zsim_rng_seed(&rng, zsim_test_seed() ^ 0x5eed);
	struct {
		enum zsim_zs_era era;
		unsigned chain;
	} cfgs[] = {{ZSIM_ZS_ERA_LEGACY, 0},
		    {ZSIM_ZS_ERA_CHAIN, 4},
		    {ZSIM_ZS_ERA_CHAIN, 8},
		    {ZSIM_ZS_ERA_CHAIN, 16}};
	for (size_t c = 0; c < ZSIM_ARRAY_N(cfgs); c++) {
		struct zsim_zpool *p = make("zsmalloc", cfgs[c].era, cfgs[c].chain,
					    ZSIM_ZS_ACCESS_READ_BEGIN, 1);
		struct zsim_zs_class_stats rows[255];
		int n = zsim_zpool_class_stats(p, rows, 255);
		/* Compressed-page-like sizes: mostly 200..3000, some tiny, some huge. */
		for (int i = 0; i < 20000; i++) {
			size_t len;
			uint64_t r = zsim_rng_below(&rng, 100);
			if (r < 10)
				len = 1 + zsim_rng_below(&rng, 100);
			else if (r < 90)
				len = 200 + zsim_rng_below(&rng, 2800);
			else
				len = 3000 + zsim_rng_below(&rng, 1097);
			zsim_handle_t h;
			assert_int_equal(zsim_zpool_malloc(p, len, 0, &h), 0);
		}
		assert_int_equal(zsim_zpool_class_stats(p, rows, 255), n);
		uint64_t pages = 0, slots = 0, zspages = 0, used = 0;
		for (int r = 0; r < n; r++) {
			uint64_t z = ZSIM_DIV_ROUND_UP(rows[r].obj_used, rows[r].objs_per_zspage);
			pages += z * rows[r].pages_per_zspage;
			slots += z * rows[r].objs_per_zspage;
			zspages += z;
			used += rows[r].obj_used;
			assert_int_equal(rows[r].obj_allocated, z * rows[r].objs_per_zspage);
			assert_int_equal(rows[r].pages_used, z * rows[r].pages_per_zspage);
			/* fill only: at most one non-full zspage per class */
			uint64_t partial = 0;
			for (int g = 1; g < 11; g++)
				if (g != (cfgs[c].era == ZSIM_ZS_ERA_LEGACY ? 3 : 11))
					partial += rows[r].fullness[g];
			assert_true(partial <= 1);
			assert_int_equal(rows[r].freeable, 0);
		}
		struct zsim_zpool_stats st;
		get_stats(p, &st);
		assert_int_equal(used, 20000);
		assert_int_equal(zsim_zpool_total_pages(p), pages);
		assert_int_equal(st.pages, pages);
		assert_int_equal(st.objs_allocated, slots);
		assert_int_equal(st.zspages, zspages);
		zsim_zpool_destroy(p); /* with live objects: no leak */
	}
}

/*
 * Spanning objects in every access mode. A fresh class is filled in slot
 * order (slot k at linear offset k * size), so whether each object spans
 * is known here and the span counters can be predicted exactly.
 */
static void test_spanning(void **state)
{
	(void)state;
	/* chain 8 classes: 80 (5 pages), 144, 688, 1424, 2176, 3632, and a
	 * power of two (2048, never spans) and the huge class. */
	static const unsigned sizes[] = {80, 144, 688, 1424, 2176, 3632, 2048, 4096};
	for (size_t m = 0; m < ZSIM_ARRAY_N(modes); m++) {
		struct zsim_zpool *p = make("zsmalloc", ZSIM_ZS_ERA_CHAIN, 8, modes[m], 2);
		struct zsim_zs_class_stats rows[255];
		int nr = zsim_zpool_class_stats(p, rows, 255);
		uint64_t want_copies = 0, want_bytes = 0;
		for (size_t s = 0; s < ZSIM_ARRAY_N(sizes); s++) {
			unsigned size = sizes[s];
			bool huge = size == 4096;
			unsigned hdr = huge ? 0 : 8;
			unsigned objs = 0;
			for (int r = 0; r < nr; r++)
				if (rows[r].size == size)
					objs = rows[r].objs_per_zspage;
			assert_true(objs > 0);
			size_t len = size - hdr; /* the largest payload of the class */
			zsim_handle_t *h = calloc(objs, sizeof(*h));
			unsigned char buf[ZSIM_PAGE_SIZE], local[ZSIM_PAGE_SIZE];
			for (unsigned k = 0; k < objs; k++) {
				assert_int_equal(zsim_zpool_malloc(p, len, 0, &h[k]), 0);
				fill(buf, len, k * 7919u + size);
				assert_int_equal(zsim_zpool_write(p, h[k], buf, len, 1), 0);
				unsigned off = (k * size) % ZSIM_PAGE_SIZE;
				if (modes[m] == ZSIM_ZS_ACCESS_MAP && off + size > ZSIM_PAGE_SIZE) {
					/* zswap's map(WO) + memcpy + unmap */
					want_copies++;
					want_bytes += size - hdr;
				}
			}
			unsigned spanning = 0;
			for (unsigned k = 0; k < objs; k++) {
				uint32_t tag = k * 7919u + size;
				unsigned off = (k * size) % ZSIM_PAGE_SIZE;
				bool slot_spans = off + size > ZSIM_PAGE_SIZE;
				spanning += slot_spans;
				assert_false(huge && slot_spans);
				/* full read */
				const void *ptr;
				memset(local, 0, sizeof(local));
				assert_int_equal(zsim_zpool_read_begin(p, h[k], len, 0, local, &ptr), 0);
				check_bytes(ptr, len, tag);
				if (modes[m] == ZSIM_ZS_ACCESS_MAP) {
					assert_true(ptr != local);
					if (slot_spans) {
						want_copies++;
						want_bytes += size;
					}
				} else {
					bool span = off + hdr + len > ZSIM_PAGE_SIZE;
					assert_int_equal(ptr == local, span);
					if (span) {
						want_copies++;
						want_bytes += modes[m] == ZSIM_ZS_ACCESS_SG ? len : len + hdr;
					}
				}
				zsim_zpool_read_end(p, h[k], 0, ptr);
				/* a short read that ends inside the first page is in place */
				if (modes[m] != ZSIM_ZS_ACCESS_MAP && off + hdr < ZSIM_PAGE_SIZE) {
					size_t first = ZSIM_MIN(ZSIM_PAGE_SIZE - off - hdr, len);
					assert_int_equal(zsim_zpool_read_begin(p, h[k], first, 0, local,
									       &ptr), 0);
					assert_true(ptr != local);
					check_bytes(ptr, first, tag);
					zsim_zpool_read_end(p, h[k], 0, ptr);
				}
				/* SG read: in place, 1 or 2 segments, nothing counted */
				struct zsim_zpool_seg seg[2];
				int ns = zsim_zpool_read_sg_begin(p, h[k], len, seg);
				assert_int_equal(ns, off + hdr + len > ZSIM_PAGE_SIZE ? 2 : 1);
				memcpy(local, seg[0].addr, seg[0].len);
				if (ns == 2) {
					assert_int_equal(seg[0].len, ZSIM_PAGE_SIZE - off - hdr);
					memcpy(local + seg[0].len, seg[1].addr, seg[1].len);
				}
				assert_int_equal(seg[0].len + (ns == 2 ? seg[1].len : 0), len);
				check_bytes(local, len, tag);
				zsim_zpool_read_sg_end(p, h[k]);
				/* RW map: change the object through the mapping */
				void *mp;
				assert_int_equal(zsim_zpool_map(p, h[k], ZSIM_ZPOOL_MAP_RW, 1, &mp), 0);
				check_bytes(mp, len, tag);
				fill(mp, len, tag ^ 0xa5a5a5a5u);
				zsim_zpool_unmap(p, h[k], 1);
				if (slot_spans) {
					want_copies += 2;
					want_bytes += size + (size - hdr);
				}
				read_check(p, h[k], len, tag ^ 0xa5a5a5a5u);
				if (modes[m] == ZSIM_ZS_ACCESS_MAP) {
					if (slot_spans) {
						want_copies++;
						want_bytes += size;
					}
				} else if (off + hdr + len > ZSIM_PAGE_SIZE) {
					want_copies++;
					want_bytes += modes[m] == ZSIM_ZS_ACCESS_SG ? len : len + hdr;
				}
				/* WO map: nothing copied in, everything copied out */
				assert_int_equal(zsim_zpool_map(p, h[k], ZSIM_ZPOOL_MAP_WO, 1, &mp), 0);
				fill(mp, len, tag);
				zsim_zpool_unmap(p, h[k], 1);
				if (slot_spans) {
					want_copies++;
					want_bytes += size - hdr;
				}
				/* RO map: the original again */
				assert_int_equal(zsim_zpool_map(p, h[k], ZSIM_ZPOOL_MAP_RO, 1, &mp), 0);
				check_bytes(mp, len, tag);
				zsim_zpool_unmap(p, h[k], 1);
				if (slot_spans) {
					want_copies++;
					want_bytes += size;
				}
			}
			if (size == 2048 || huge)
				assert_int_equal(spanning, 0);
			else
				assert_true(spanning > 0);
			struct zsim_zpool_stats st;
			get_stats(p, &st);
			assert_int_equal(st.span_copies, want_copies);
			assert_int_equal(st.span_copy_bytes, want_bytes);
			for (unsigned k = 0; k < objs; k++)
				assert_int_equal(zsim_zpool_free(p, h[k]), 0);
			free(h);
		}
		assert_int_equal(zsim_zpool_total_pages(p), 0);
		zsim_zpool_destroy(p);
	}
}

static void test_local_copy_and_cpu_rules(void **state)
{
	(void)state;
	/* chain 8, size 144: slot 28 is the first to span (28 * 144 = 4032) */
	struct zsim_zpool *p = make("zsmalloc", ZSIM_ZS_ERA_CHAIN, 8,
				    ZSIM_ZS_ACCESS_READ_BEGIN, 2);
	zsim_handle_t h[29];
	for (int i = 0; i < 29; i++)
		assert_int_equal(zsim_zpool_malloc(p, 136, 0, &h[i]), 0);
	const void *ptr;
	assert_int_equal(zsim_zpool_read_begin(p, h[0], 136, 0, NULL, &ptr), 0);
	zsim_zpool_read_end(p, h[0], 0, ptr);
	/* spanning with no local_copy */
	assert_int_equal(zsim_zpool_read_begin(p, h[28], 136, 0, NULL, &ptr), ZSIM_EINVAL);
	/* ... unless the read ends in the first page (4032 + 8 + 56 = 4096) */
	assert_int_equal(zsim_zpool_read_begin(p, h[28], 56, 0, NULL, &ptr), 0);
	zsim_zpool_read_end(p, h[28], 0, ptr);
	unsigned char buf[ZSIM_PAGE_SIZE];
	assert_int_equal(zsim_zpool_read_begin(p, h[0], 137, 0, buf, &ptr), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_read_begin(p, h[0], 10, 2, buf, &ptr), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_read_begin(p, h[0], 10, 0, buf, NULL), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_write(p, h[0], buf, 137, 0), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_write(p, h[0], NULL, 1, 0), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_write(p, h[0], buf, 1, 5), ZSIM_EINVAL);
	/* one mapping per cpu */
	void *mp;
	assert_int_equal(zsim_zpool_map(p, h[1], ZSIM_ZPOOL_MAP_RO, 0, &mp), 0);
	assert_int_equal(zsim_zpool_map(p, h[2], ZSIM_ZPOOL_MAP_RO, 0, &mp), ZSIM_EBUSY);
	assert_int_equal(zsim_zpool_map(p, h[2], ZSIM_ZPOOL_MAP_RO, 1, &mp), 0);
	zsim_zpool_unmap(p, h[2], 1);
	assert_int_equal(zsim_zpool_map(p, h[2], ZSIM_ZPOOL_MAP_RO, 2, &mp), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_map(p, h[2], (enum zsim_zpool_map_mode)3, 1, &mp),
			 ZSIM_EINVAL);
	/* reads of other objects, and several reads at once, are fine */
	const void *p2, *p3;
	assert_int_equal(zsim_zpool_read_begin(p, h[3], 10, 0, buf, &p2), 0);
	assert_int_equal(zsim_zpool_read_begin(p, h[3], 10, 0, buf, &p3), 0);
	zsim_zpool_read_end(p, h[3], 0, p3);
	zsim_zpool_read_end(p, h[3], 0, p2);
	zsim_zpool_unmap(p, h[1], 0);
	zsim_zpool_destroy(p);

	/* MAP era: read_begin takes the per-CPU area too */
	p = make("zsmalloc", ZSIM_ZS_ERA_LEGACY, 0, ZSIM_ZS_ACCESS_MAP, 1);
	assert_int_equal(zsim_zpool_malloc(p, 100, 0, &h[0]), 0);
	assert_int_equal(zsim_zpool_malloc(p, 100, 0, &h[1]), 0);
	assert_int_equal(zsim_zpool_read_begin(p, h[0], 100, 0, NULL, &ptr), 0);
	assert_int_equal(zsim_zpool_read_begin(p, h[1], 100, 0, NULL, &p2), ZSIM_EBUSY);
	assert_int_equal(zsim_zpool_map(p, h[1], ZSIM_ZPOOL_MAP_RO, 0, &mp), ZSIM_EBUSY);
	zsim_zpool_read_end(p, h[0], 0, ptr);
	assert_int_equal(zsim_zpool_map(p, h[1], ZSIM_ZPOOL_MAP_RO, 0, &mp), 0);
	zsim_zpool_unmap(p, h[1], 0);
	zsim_zpool_destroy(p);
}

static void test_bad_input(void **state)
{
	(void)state;
	const char *types[] = {"zsmalloc", "ideal", "malloc"};
	for (size_t t = 0; t < ZSIM_ARRAY_N(types); t++) {
		struct zsim_zpool *p = make(types[t], ZSIM_ZS_ERA_CHAIN, 0,
					    ZSIM_ZS_ACCESS_READ_BEGIN, 1);
		zsim_handle_t h = 0;
		assert_int_equal(zsim_zpool_malloc(p, 0, 0, &h), ZSIM_EINVAL);
		assert_int_equal(zsim_zpool_malloc(p, ZSIM_PAGE_SIZE + 1, 0, &h), ZSIM_ENOSPC);
		assert_int_equal(zsim_zpool_malloc(p, SIZE_MAX, 0, &h), ZSIM_ENOSPC);
		assert_int_equal(zsim_zpool_malloc(p, 10, 0, NULL), ZSIM_EINVAL);
		assert_int_equal(zsim_zpool_malloc(p, ZSIM_PAGE_SIZE, 0, &h), 0);
		assert_int_equal(zsim_zpool_obj_size(p, h, NULL), ZSIM_EINVAL);
		assert_int_equal(zsim_zpool_stats(p, NULL), ZSIM_EINVAL);
		struct zsim_zpool_stats st;
		get_stats(p, &st);
		assert_int_equal(st.objs_used, 1);
		assert_int_equal(zsim_zpool_free(p, h), 0);
		zsim_zpool_destroy(p);
	}
	assert_int_equal(zsim_zpool_malloc(NULL, 1, 0, NULL), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_free(NULL, 1), ZSIM_EINVAL);
	assert_int_equal(zsim_zpool_total_pages(NULL), 0);
	assert_int_equal(zsim_zpool_create(NULL, NULL), ZSIM_EINVAL);
	zsim_zpool_destroy(NULL);
}

/* Freed, double-freed, foreign and garbage handles: ZSIM_EFAULT, and the
 * live objects and counters are untouched. */
static void test_bad_handles(void **state)
{
	(void)state;
	setenv("ZSIM_ZPOOL_NO_ASSERT", "1", 1);
	struct zsim_rng rng;
	zsim_rng_seed(&rng, zsim_test_seed() ^ 0xbad);
	const char *types[] = {"zsmalloc", "ideal", "malloc"};
	for (size_t t = 0; t < ZSIM_ARRAY_N(types); t++)
		for (size_t m = 0; m < ZSIM_ARRAY_N(modes); m++) {
			struct zsim_zpool *p = make(types[t], ZSIM_ZS_ERA_CHAIN, 0, modes[m], 1);
			struct zsim_zpool *other = make(types[t], ZSIM_ZS_ERA_CHAIN, 0, modes[m], 1);
			struct zsim_zpool *ideal = make("ideal", 0, 0, modes[m], 1);
			enum { N = 200 };
			zsim_handle_t h[N], foreign[3];
			size_t len[N];
			unsigned char buf[ZSIM_PAGE_SIZE];
			for (int i = 0; i < N; i++) {
				len[i] = 1 + zsim_rng_below(&rng, ZSIM_PAGE_SIZE);
				assert_int_equal(zsim_zpool_malloc(p, len[i], 0, &h[i]), 0);
				fill(buf, len[i], (uint32_t)i);
				assert_int_equal(zsim_zpool_write(p, h[i], buf, len[i], 0), 0);
			}
			assert_int_equal(zsim_zpool_malloc(other, 100, 0, &foreign[0]), 0);
			assert_int_equal(zsim_zpool_malloc(ideal, 100, 0, &foreign[1]), 0);
			/* freed, then reused slot: the old handle stays dead */
			zsim_handle_t dead;
			assert_int_equal(zsim_zpool_malloc(p, 50, 0, &dead), 0);
			assert_int_equal(zsim_zpool_free(p, dead), 0);
			assert_int_equal(zsim_zpool_malloc(p, 50, 0, &foreign[2]), 0);
			assert_true(foreign[2] != dead);
			assert_int_equal(zsim_zpool_free(p, foreign[2]), 0);
			assert_int_equal(zsim_zpool_free(p, foreign[2]), ZSIM_EFAULT); /* double */

			struct zsim_zpool_stats before;
			get_stats(p, &before);
			zsim_handle_t bad[64];
			size_t nb = 0;
			bad[nb++] = 0;
			bad[nb++] = ~(zsim_handle_t)0;
			bad[nb++] = dead;
			bad[nb++] = foreign[0];
			bad[nb++] = foreign[1];
			bad[nb++] = foreign[2];
			bad[nb++] = h[0] ^ (1ull << 32);  /* wrong generation */
			bad[nb++] = h[0] ^ (1ull << 56);  /* wrong pool tag */
			bad[nb++] = h[0] + 100000;        /* index past the table */
			bad[nb++] = h[0] & ~0xffffffffull; /* index 0, maybe live */
			while (nb < ZSIM_ARRAY_N(bad))
				bad[nb++] = zsim_rng_next(&rng);
			for (size_t b = 0; b < nb; b++) {
				int live = 0;
				for (int i = 0; i < N; i++)
					live |= bad[b] == h[i];
				if (live)
					continue;
				size_t sz;
				const void *ptr;
				void *mp;
				assert_int_equal(zsim_zpool_free(p, bad[b]), ZSIM_EFAULT);
				assert_int_equal(zsim_zpool_write(p, bad[b], buf, 1, 0), ZSIM_EFAULT);
				assert_int_equal(zsim_zpool_read_begin(p, bad[b], 1, 0, buf, &ptr),
						 ZSIM_EFAULT);
				assert_int_equal(zsim_zpool_map(p, bad[b], ZSIM_ZPOOL_MAP_RW, 0, &mp),
						 ZSIM_EFAULT);
				assert_int_equal(zsim_zpool_obj_size(p, bad[b], &sz), ZSIM_EFAULT);
				struct zsim_zpool_seg seg[2];
				assert_int_equal(zsim_zpool_read_sg_begin(p, bad[b], 1, seg),
						 ZSIM_EFAULT);
				zsim_zpool_read_sg_end(p, bad[b]); /* ignored */
				zsim_zpool_read_end(p, bad[b], 0, buf); /* ignored */
				zsim_zpool_unmap(p, bad[b], 0);         /* ignored */
			}
			struct zsim_zpool_stats after;
			get_stats(p, &after);
			assert_int_equal(after.objs_used, before.objs_used);
			assert_int_equal(after.bytes_used, before.bytes_used);
			assert_int_equal(after.pages, before.pages);
			for (int i = 0; i < N; i++)
				read_check(p, h[i], len[i], (uint32_t)i);
			for (int i = 0; i < N; i++)
				assert_int_equal(zsim_zpool_free(p, h[i]), 0);
			for (int i = 0; i < N; i++)
				assert_int_equal(zsim_zpool_free(p, h[i]), ZSIM_EFAULT);
			assert_int_equal(zsim_zpool_total_pages(p), 0);
			/* the other pools still own their objects */
			assert_int_equal(zsim_zpool_free(other, foreign[0]), 0);
			assert_int_equal(zsim_zpool_free(ideal, foreign[1]), 0);
			zsim_zpool_destroy(p);
			zsim_zpool_destroy(other);
			zsim_zpool_destroy(ideal);
		}
	unsetenv("ZSIM_ZPOOL_NO_ASSERT");
}

/* Debug builds abort loudly on a bad handle unless ZSIM_ZPOOL_NO_ASSERT
 * is set; release builds return ZSIM_EFAULT. */
static void test_bad_handle_asserts(void **state)
{
	(void)state;
	unsetenv("ZSIM_ZPOOL_NO_ASSERT");
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct zsim_zpool *p;
		if (zsim_zpool_create(NULL, &p))
			_exit(2);
		int rc = zsim_zpool_free(p, 12345);
		_exit(rc == ZSIM_EFAULT ? 0 : 3);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
#ifdef NDEBUG
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#else
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
#endif
}

/*
 * Fail the Nth handle, descriptor or page allocation for N = 1..: each
 * failure is ZSIM_ENOMEM and leaves nothing behind (pages, objects,
 * handles); the pool keeps working. ASan's leak check covers the rest.
 */
static void test_failure_injection(void **state)
{
	(void)state;
	struct zsim_fault_injector *f;
	assert_int_equal(zsim_fault_create(&f), 0);
	enum zsim_fault_point points[] = {ZSIM_FAULT_ZS_HANDLE, ZSIM_FAULT_ZS_DESC,
					  ZSIM_FAULT_PAGE_ALLOC};
	/* chain 8 classes: 3632 (8 pages), 80 (5), 1024 (1), huge, 320 (5) */
	static const size_t sizes[] = {3600, 70, 1000, 4000, 300};
	for (size_t pt = 0; pt < ZSIM_ARRAY_N(points); pt++)
		for (uint64_t nth = 1; nth <= 24; nth++) {
			struct zsim_page_allocator_config pc = {.fault = f};
			struct zsim_page_allocator *pa;
			assert_int_equal(zsim_page_allocator_create(&pc, &pa), 0);
			struct zsim_zpool_config zc = {.era = ZSIM_ZS_ERA_CHAIN, .pages = pa,
						       .fault = f};
			struct zsim_zpool *p;
			assert_int_equal(zsim_zpool_create(&zc, &p), 0);
			struct zsim_fault_rule r = {.nth = nth};
			assert_int_equal(zsim_fault_set(f, points[pt], &r), 0);
			zsim_handle_t h[40];
			size_t lens[40];
			int ok = 0, failed = 0;
			for (int i = 0; i < 40; i++) {
				size_t len = sizes[i % ZSIM_ARRAY_N(sizes)];
				uint64_t pages_before = zsim_page_allocator_pages(pa);
				struct zsim_zpool_stats sb;
				get_stats(p, &sb);
				zsim_handle_t hh;
				int rc = zsim_zpool_malloc(p, len, 0, &hh);
				if (rc) {
					assert_int_equal(rc, ZSIM_ENOMEM);
					failed++;
					struct zsim_zpool_stats sa;
					get_stats(p, &sa);
					assert_int_equal(zsim_page_allocator_pages(pa), pages_before);
					assert_int_equal(sa.objs_used, sb.objs_used);
					assert_int_equal(sa.pages, sb.pages);
					assert_int_equal(sa.zspages, sb.zspages);
					continue;
				}
				unsigned char buf[ZSIM_PAGE_SIZE];
				fill(buf, len, (uint32_t)ok);
				assert_int_equal(zsim_zpool_write(p, hh, buf, len, 0), 0);
				lens[ok] = len;
				h[ok++] = hh;
			}
			uint64_t calls = zsim_fault_calls(f, points[pt]);
			if (nth <= calls)
				assert_int_equal(failed, 1);
			else
				assert_int_equal(failed, 0);
			assert_int_equal(zsim_fault_set(f, points[pt], NULL), 0);
			struct zsim_zpool_stats st;
			get_stats(p, &st);
			assert_int_equal(st.objs_used, (uint64_t)ok);
			assert_int_equal(st.pages, zsim_page_allocator_pages(pa));
			for (int i = 0; i < ok; i++)
				read_check(p, h[i], lens[i], (uint32_t)i);
			for (int i = 0; i < ok; i += 2)
				assert_int_equal(zsim_zpool_free(p, h[i]), 0);
			zsim_zpool_destroy(p);
			assert_int_equal(zsim_page_allocator_pages(pa), 0);
			assert_int_equal(zsim_page_allocator_destroy(pa), 0);
		}
	/* The pool's own page allocator uses the pool's injector. */
	struct zsim_zpool_config zc = {.era = ZSIM_ZS_ERA_CHAIN, .fault = f};
	struct zsim_zpool *p;
	assert_int_equal(zsim_zpool_create(&zc, &p), 0);
	struct zsim_fault_rule r = {.nth = 3};
	assert_int_equal(zsim_fault_set(f, ZSIM_FAULT_PAGE_ALLOC, &r), 0);
	zsim_handle_t h;
	assert_int_equal(zsim_zpool_malloc(p, 3600, 0, &h), ZSIM_ENOMEM);
	assert_int_equal(zsim_zpool_total_pages(p), 0);
	assert_int_equal(zsim_zpool_malloc(p, 3600, 0, &h), 0);
	assert_int_equal(zsim_zpool_total_pages(p), 8);
	zsim_zpool_destroy(p);
	/* Baselines fail on the handle too. */
	zc.type = "malloc";
	assert_int_equal(zsim_zpool_create(&zc, &p), 0);
	r.nth = 1;
	assert_int_equal(zsim_fault_set(f, ZSIM_FAULT_ZS_HANDLE, &r), 0);
	assert_int_equal(zsim_zpool_malloc(p, 100, 0, &h), ZSIM_ENOMEM);
	assert_int_equal(zsim_zpool_total_pages(p), 0);
	assert_int_equal(zsim_zpool_malloc(p, 100, 0, &h), 0);
	zsim_zpool_destroy(p);
	zsim_fault_destroy(f);
}

/* Group of a zspage with `inuse` of `objs` objects, per era (§2.4). */
static int ref_group(int legacy, unsigned inuse, unsigned objs)
{
	if (inuse == 0)
		return 0;
	if (legacy) {
		if (inuse == objs)
			return 3;
		return inuse <= 3 * objs / 4 ? 1 : 2;
	}
	if (inuse == objs)
		return 11;
	return (int)(100 * inuse / objs) / 10 + 1;
}

static const struct zsim_zs_class_stats *row_of(struct zsim_zs_class_stats *rows, int n,
						 unsigned size)
{
	for (int r = 0; r < n; r++)
		if (rows[r].size == size)
			return &rows[r];
	fail_msg("no class of size %u", size);
	return NULL;
}

/* Fullness groups move as objects are freed, per era. */
static void test_fullness_groups(void **state)
{
	(void)state;
	for (int legacy = 0; legacy < 2; legacy++) {
		struct zsim_zpool *p = make("zsmalloc", legacy ? ZSIM_ZS_ERA_LEGACY
							       : ZSIM_ZS_ERA_CHAIN,
					    8, ZSIM_ZS_ACCESS_READ_BEGIN, 1);
		/* class 176: chain 8 -> 4 pages 93 objs; legacy 4 pages 93 */
		struct zsim_zs_class_stats rows[255];
		int n = zsim_zpool_class_stats(p, rows, 255);
		unsigned objs = row_of(rows, n, 176)->objs_per_zspage;
		unsigned full = legacy ? 3 : 11;
		zsim_handle_t *h = calloc(2 * objs, sizeof(*h));
		for (unsigned i = 0; i < 2 * objs; i++)
			assert_int_equal(zsim_zpool_malloc(p, 160, 0, &h[i]), 0);
		n = zsim_zpool_class_stats(p, rows, 255);
		assert_int_equal(row_of(rows, n, 176)->fullness[full], 2);
		/* Empty the first zspage one object at a time. */
		for (unsigned i = 0; i < objs; i++) {
			assert_int_equal(zsim_zpool_free(p, h[i]), 0);
			n = zsim_zpool_class_stats(p, rows, 255);
			const struct zsim_zs_class_stats *r = row_of(rows, n, 176);
			unsigned inuse = objs - 1 - i;
			uint64_t want[12] = {0};
			want[full]++;
			if (inuse)
				want[ref_group(legacy, inuse, objs)]++;
			for (int g = 0; g < 12; g++)
				assert_int_equal(r->fullness[g], want[g]);
			assert_int_equal(r->obj_used, 2 * objs - 1 - i);
			/* an empty zspage is freed at once */
			assert_int_equal(r->obj_allocated, (inuse ? 2 : 1) * objs);
			assert_int_equal(r->pages_used, (inuse ? 2 : 1) * r->pages_per_zspage);
			assert_int_equal(r->freeable, (r->obj_allocated - r->obj_used) / objs *
							      r->pages_per_zspage);
		}
		free(h);
		zsim_zpool_destroy(p);
	}
}

/* Allocation takes the fullest non-full zspage. */
static void test_alloc_target(void **state)
{
	(void)state;
	for (int legacy = 0; legacy < 2; legacy++) {
		/* class 176: 4 pages, 93 objects in both eras */
		struct zsim_zpool *p = make("zsmalloc", legacy ? ZSIM_ZS_ERA_LEGACY
							       : ZSIM_ZS_ERA_CHAIN,
					    8, ZSIM_ZS_ACCESS_READ_BEGIN, 1);
		enum { O = 93 };
		zsim_handle_t h[3 * O];
		for (int i = 0; i < 3 * O; i++)
			assert_int_equal(zsim_zpool_malloc(p, 160, 0, &h[i]), 0);
		assert_int_equal(zsim_zpool_total_pages(p), 12);
		/* A (h0..92): 92 left; B (h93..185): 43 left; C full */
		assert_int_equal(zsim_zpool_free(p, h[0]), 0);
		for (int i = O; i < O + 50; i++)
			assert_int_equal(zsim_zpool_free(p, h[i]), 0);
		struct zsim_zs_class_stats rows[255];
		int n = zsim_zpool_class_stats(p, rows, 255);
		const struct zsim_zs_class_stats *r = row_of(rows, n, 176);
		int ga = ref_group(legacy, 92, O), gb = ref_group(legacy, 43, O);
		int full = legacy ? 3 : 11;
		assert_true(ga != gb);
		assert_int_equal(r->fullness[ga], 1);
		assert_int_equal(r->fullness[gb], 1);
		assert_int_equal(r->fullness[full], 1);
		/* next object goes to A (the fuller one) */
		zsim_handle_t x;
		assert_int_equal(zsim_zpool_malloc(p, 160, 0, &x), 0);
		n = zsim_zpool_class_stats(p, rows, 255);
		r = row_of(rows, n, 176);
		assert_int_equal(r->fullness[full], 2);
		assert_int_equal(r->fullness[gb], 1);
		/* then B; no new zspage */
		assert_int_equal(zsim_zpool_malloc(p, 160, 0, &x), 0);
		n = zsim_zpool_class_stats(p, rows, 255);
		r = row_of(rows, n, 176);
		assert_int_equal(r->fullness[ref_group(legacy, 44, O)], 1);
		assert_int_equal(r->fullness[full], 2);
		assert_int_equal(zsim_zpool_total_pages(p), 12);
		zsim_zpool_destroy(p);
	}
}

static void test_baselines(void **state)
{
	(void)state;
	struct zsim_rng rng;
	zsim_rng_seed(&rng, zsim_test_seed() ^ 0xba5e);
	struct zsim_zpool *ideal = make("ideal", 0, 0, 0, 1);
	struct zsim_zpool *mal = make("malloc", 0, 0, 0, 1);
	struct zsim_zpool *zs = make("zsmalloc", ZSIM_ZS_ERA_CHAIN, 8, 0, 1);
	assert_string_equal(zsim_zpool_type(mal), "malloc");
	enum { N = 3000 };
	uint64_t bytes = 0, chunks = 0;
	for (int i = 0; i < N; i++) {
		size_t len = 1 + zsim_rng_below(&rng, ZSIM_PAGE_SIZE);
		zsim_handle_t a, b, c;
		assert_int_equal(zsim_zpool_malloc(ideal, len, 0, &a), 0);
		assert_int_equal(zsim_zpool_malloc(mal, len, 0, &b), 0);
		assert_int_equal(zsim_zpool_malloc(zs, len, 0, &c), 0);
		bytes += len;
		/* glibc: usable size >= len, chunk = usable + 8, >= 32 */
		void *probe = malloc(len);
		chunks += malloc_usable_size(probe) + 8;
		free(probe);
	}
	assert_int_equal(zsim_zpool_total_pages(ideal), ZSIM_DIV_ROUND_UP(bytes, ZSIM_PAGE_SIZE));
	assert_int_equal(zsim_zpool_total_pages(mal), ZSIM_DIV_ROUND_UP(chunks, ZSIM_PAGE_SIZE));
	assert_true(zsim_zpool_total_pages(zs) >= zsim_zpool_total_pages(ideal));
	struct zsim_zpool_stats st;
	get_stats(ideal, &st);
	assert_int_equal(st.objs_used, N);
	assert_int_equal(st.bytes_used, bytes);
	assert_int_equal(st.zspages, 0);
	assert_true(st.meta_bytes > 0);
	assert_int_equal(zsim_zpool_compact(ideal), 0);
	zsim_zpool_destroy(ideal); /* frees the live objects */
	zsim_zpool_destroy(mal);
	zsim_zpool_destroy(zs);
}

/* Bookkeeping is counted apart and follows the handles and zspages. */
static void test_meta_bytes(void **state)
{
	(void)state;
	struct zsim_zpool *p = make("zsmalloc", ZSIM_ZS_ERA_CHAIN, 8, 0, 4);
	struct zsim_zpool_stats s0, s1, s2;
	get_stats(p, &s0);
	assert_true(s0.meta_bytes >= 4 * ZSIM_PAGE_SIZE); /* per-CPU vm_bufs */
	zsim_handle_t h[5000];
	for (int i = 0; i < 5000; i++)
		assert_int_equal(zsim_zpool_malloc(p, 500, 0, &h[i]), 0);
	get_stats(p, &s1);
	assert_true(s1.meta_bytes >= s0.meta_bytes + 5000 * 16);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(zsim_zpool_free(p, h[i]), 0);
	get_stats(p, &s2);
	assert_true(s2.meta_bytes < s1.meta_bytes); /* descriptors gone */
	assert_true(s2.meta_bytes > s0.meta_bytes); /* handle cells kept */
	assert_int_equal(s2.pages, 0);
	zsim_zpool_destroy(p);
}

int main(void)
{
	zsim_test_seed();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_fill_page_formula),
		cmocka_unit_test(test_spanning),
		cmocka_unit_test(test_local_copy_and_cpu_rules),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_bad_handles),
		cmocka_unit_test(test_bad_handle_asserts),
		cmocka_unit_test(test_failure_injection),
		cmocka_unit_test(test_fullness_groups),
		cmocka_unit_test(test_alloc_target),
		cmocka_unit_test(test_baselines),
		cmocka_unit_test(test_meta_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
