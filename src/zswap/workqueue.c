/*
 * workqueue.c - the simulated work queue of the global shrink worker
 * (ZSIM_SHRINK_SCHED_SIM): when shrink_worker runs relative to the task
 * whose stores queue it, in simulated time, on one or more simulated CPUs.
 *
 * What it models. zswap_store queues zswap_shrink_work on the unbound
 * "zswap-shrink" work queue (max_active 1) when it rejects a page with the
 * pool full; queue_work is a no-op while the work is pending, and a queue
 * while it runs makes it run once more (the kworker takes it again right
 * after, at process_one_work's cond_resched). The kworker is a normal
 * fair-class task:
 *  - one CPU: the storing task (reclaim through memory.reclaim) runs until
 *    it is told to reschedule, and gives the CPU away only at its points of
 *    preemption: shrink_folio_list's cond_resched() before each folio (here:
 *    after each store), the end of a reclaim pass or a sleep
 *    (zsim_zswap_sched_yield).
 *    EEVDF (6.6+) decides with the two tasks' virtual runtimes (equal
 *    weights: virtual time is CPU time) and deadlines (vruntime + the base
 *    slice, renewed by update_curr once reached, at a tick or a wakeup):
 *    a woken worker is placed behind the task by the lag it kept when it
 *    last slept (PLACE_LAG, inflated so that the lag survives placement,
 *    clamped to max(2 slices, a tick)); a task that has had more than its
 *    share (vruntime ahead of the average) is not eligible and is
 *    preempted at once, an eligible one keeps the CPU until its deadline
 *    is renewed (RUN_TO_PARITY). The worker, once picked, keeps the CPU
 *    likewise. A worker that sleeps with negative lag stays queued
 *    (DELAY_DEQUEUE) with its vruntime, and leaves with lag 0 once
 *    eligible (DELAY_ZERO). Traced on 6.12 under memory.reclaim: the
 *    worker preempts the storing task within a page of being queued
 *    (median 8-15 us) for most queues, and waits up to a tick and a
 *    half every few milliseconds, when its lag is spent; both follow.
 *    CFS (up to 6.5): a worker that slept preempts at once (sleeper
 *    credit); once it has the CPU it keeps it for a slice and a tick.
 *  - cpus >= 2: the worker runs on another CPU at once (after a wakeup
 *    latency), concurrently with the stores: each store sees the effect of
 *    every worker iteration that started before it in simulated time.
 * Simulated time advances by fixed costs (struct zsim_sched_config): a
 * store's page, a worker iteration, a written-back entry, each varied by
 * up to +-jitter_pct % from a seeded generator; the seed also sets the
 * phase of the tick. Counters are therefore a function of the inputs and
 * the seed only (with one replay thread, bit for bit); different seeds
 * give the run-to-run spread a kernel shows on the same pages.
 *
 * Differences from the kernel: one storing task (several host threads
 * share its clock); no other tasks, interrupts or I/O completion compete
 * for the CPUs; the worker's time does not depend on the entry (a fixed
 * cost per iteration and per entry written back); wakeup latency on a
 * busy CPU is the tick/slice rule above, not the full EEVDF arithmetic.
 * Locks: everything here runs under z->shrink_lock, held across worker
 * iterations (so it is outermost: stores call in without other locks),
 * except a store's own time while the worker is idle: that is added to a
 * per-thread-shard sum without the lock (two stores on two threads would
 * otherwise take one global lock twice each), and folded into the clock
 * by the next holder of the lock before it reads the clock. With one
 * storing thread the sums, the jitter draws and their order are what they
 * were under the lock, so the schedule is the same bit for bit.
 */
#include <string.h>

#include "zswap/zswap_internal.h"
#include "common/rand.h"

void zsim_sched_config_init(struct zsim_sched_config *sc)
{
	if (!sc)
		return;
	memset(sc, 0, sizeof(*sc));
	sc->cpus = 1;
	sc->seed = 1;
	sc->store_ns = 43000;
	sc->reject_ns = 17000;
	sc->iter_ns = 630;
	sc->wb_ns = 75000;
	sc->run_ns = 9000;
	sc->tick_ns = 4000000;
	sc->slice_ns = 750000;
	sc->wake_ns = 50000;
	sc->event_ns = 250000;
	sc->jitter_pct = 25;
}

int zsim_shrink_sched_parse(const char *name, int *out)
{
	static const char *const names[] = {"thread", "inline", "sim"};
	if (!name || !out)
		return ZSIM_EINVAL;
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, names[i])) {
			*out = i;
			return 0;
		}
	return ZSIM_ENOENT;
}

const char *zsim_shrink_sched_name(int sched)
{
	switch (sched) {
	case ZSIM_SHRINK_SCHED_THREAD: return "thread";
	case ZSIM_SHRINK_SCHED_INLINE: return "inline";
	case ZSIM_SHRINK_SCHED_SIM: return "sim";
	default: return "?";
	}
}

/* The next number of the seeded sequence (zsim_splitmix64's, drawn with
 * one atomic add so that the lock-free fast path may draw too). */
static uint64_t draw(struct zsim_wq *q)
{
	uint64_t x = atomic_fetch_add_explicit(&q->rng.v, 0x9e3779b97f4a7c15ull,
					       memory_order_relaxed);
	return zsim_splitmix64(&x);
}

/* Context: shrink_lock held. Move the stores' deferred time into the clock. */
static void fold(struct zsim_wq *q)
{
	uint64_t d = 0;
	for (unsigned s = 0; s < ZSIM_SHARDS; s++)
		if (atomic_load_explicit(&q->deferred[s].v, memory_order_relaxed))
			d += atomic_exchange_explicit(&q->deferred[s].v, 0, memory_order_relaxed);
	q->now += d;
	q->vt += (int64_t)d;
}

/* Context: shrink_lock held, about to drop it. */
static void publish_idle(struct zsim_wq *q)
{
	atomic_store_explicit(&q->idle, !q->pending && !q->active, memory_order_release);
}

void zsim_wq_init(struct zsim_zswap *z, const struct zsim_sched_config *in)
{
	struct zsim_wq *q = &z->wq;
	struct zsim_sched_config d;
	zsim_sched_config_init(&d);
	memset(q, 0, sizeof(*q));
	q->cfg = in ? *in : d;
	struct zsim_sched_config *c = &q->cfg;
	if (!c->cpus) c->cpus = d.cpus;
	if (!c->seed) c->seed = d.seed;
	if (!c->store_ns) c->store_ns = d.store_ns;
	if (!c->reject_ns) c->reject_ns = c->store_ns * d.reject_ns / d.store_ns;
	if (!c->iter_ns) c->iter_ns = d.iter_ns;
	if (!c->wb_ns) c->wb_ns = d.wb_ns;
	if (!c->run_ns) c->run_ns = c->store_ns * d.run_ns / d.store_ns;
	if (!c->tick_ns) c->tick_ns = d.tick_ns;
	if (!c->slice_ns) c->slice_ns = d.slice_ns;
	if (!c->wake_ns) c->wake_ns = d.wake_ns;
	if (!c->event_ns) c->event_ns = d.event_ns;
	if (c->jitter_pct > 100) c->jitter_pct = 100;
	if (c->scheduler != ZSIM_CPU_SCHED_EEVDF && c->scheduler != ZSIM_CPU_SCHED_CFS)
		c->scheduler = z->prof->limits == ZSIM_LIMIT_LEGACY ? ZSIM_CPU_SCHED_CFS
								    : ZSIM_CPU_SCHED_EEVDF;
	atomic_init(&q->rng.v, c->seed);
	atomic_init(&q->idle, true);
	for (unsigned s = 0; s < ZSIM_SHARDS; s++)
		atomic_init(&q->deferred[s].v, 0);
	q->tick_phase = draw(q) % c->tick_ns;
	q->dt = (int64_t)c->slice_ns;
	q->t_protect = true;
}

static bool eevdf(const struct zsim_wq *q)
{
	return q->cfg.cpus == 1 && q->cfg.scheduler == ZSIM_CPU_SCHED_EEVDF;
}

/* base +- jitter_pct %, from the seeded sequence. */
static uint64_t cost(struct zsim_wq *q, uint64_t base)
{
	if (!q->cfg.jitter_pct || !base)
		return base;
	uint64_t span = base * q->cfg.jitter_pct / 100;
	uint64_t r = draw(q) % (2 * span + 1);
	return base - span + r;
}

/* The first tick at or after t. */
static uint64_t tick_at_or_after(const struct zsim_wq *q, uint64_t t)
{
	const uint64_t ph = q->tick_phase, tk = q->cfg.tick_ns;
	if (t <= ph)
		return ph;
	return ph + (t - ph + tk - 1) / tk * tk;
}

static bool runnable(const struct zsim_wq *q)
{
	return q->pending || q->active;
}

/*
 * The first scheduler event at or after t: the tick, or an earlier
 * interrupt (I/O completions of the swap device, timers) that updates the
 * running task's time; events other than the tick come at a seeded
 * uniform delay in [0, event_ns].
 */
static uint64_t event_after(struct zsim_wq *q, uint64_t t)
{
	uint64_t tick = tick_at_or_after(q, t);
	if (!q->cfg.event_ns)
		return tick;
	uint64_t ev = t + draw(q) % (q->cfg.event_ns + 1);
	return ev < tick ? ev : tick;
}

/* Start a run if the work is pending. Return false if there is none. */
static bool start_run(struct zsim_zswap *z)
{
	struct zsim_wq *q = &z->wq;
	if (q->active)
		return true;
	if (!q->pending)
		return false;
	q->pending = false;
	q->active = true;
	q->st.runs++;
	zsim_shrink_run_begin(z, &q->run);
	q->run.first = true;
	return true;
}

/* One worker iteration at *clock. Return its kind. */
static enum zsim_shrink_step step(struct zsim_zswap *z, uint64_t *clock)
{
	struct zsim_wq *q = &z->wq;
	unsigned written;
	bool first = q->run.first;
	q->run.first = false;
	enum zsim_shrink_step k = zsim_shrink_run_step(z, &q->run, &written);
	uint64_t t = cost(q, q->cfg.iter_ns) + (first ? cost(q, q->cfg.run_ns) : 0);
	for (unsigned i = 0; i < written; i++)
		t += cost(q, q->cfg.wb_ns);
	*clock += t;
	q->vw += (int64_t)t;
	q->st.worker_ns += t;
	q->st.iterations++;
	if (k == ZSIM_STEP_STOP) {
		q->active = false;
		/* queued again while it ran: the kworker takes it again after
		 * process_one_work's cond_resched */
		if (q->pending)
			return ZSIM_STEP_RESCHED;
	}
	return k;
}

/* The storing task ran alone from q->t_seen to q->now: every tick at
 * which its vruntime had reached its deadline renewed the deadline
 * (update_curr), which ends RUN_TO_PARITY's protection. */
static void eevdf_task_sync(struct zsim_wq *q)
{
	const uint64_t from = q->t_seen, to = q->now;
	const int64_t slice = (int64_t)q->cfg.slice_ns;
	q->t_seen = to;
	if (to <= from)
		return;
	const int64_t v0 = q->vt - (int64_t)(to - from);
	for (;;) {
		uint64_t need = q->dt > v0 ? (uint64_t)(q->dt - v0) : 0;
		uint64_t e = tick_at_or_after(q, from + need);
		if (e > to)
			return;
		q->dt = v0 + (int64_t)(e - from) + slice;
		q->t_protect = false;
		if (q->cfg.tick_ns >= q->cfg.slice_ns) {
			/* every later tick renews it again */
			uint64_t last = e + (to - e) / q->cfg.tick_ns * q->cfg.tick_ns;
			q->dt = v0 + (int64_t)(last - from) + slice;
			return;
		}
	}
}

/* pick_eevdf with the task running and the worker queued: two entities
 * of equal weight, so the average vruntime is their midpoint and an
 * entity is eligible when it is not ahead of the other. */
static bool eevdf_pick_worker(const struct zsim_wq *q, int64_t vt, int64_t dt, bool protect)
{
	bool t_elig = vt <= q->vw, w_elig = q->vw <= vt;
	if (!t_elig)
		return true;
	if (protect)
		return false;
	return w_elig && q->dw < dt;
}

/* The running entity (vruntime *v, deadline *d, running since t): the
 * next event at which update_curr finds its deadline reached and renews
 * it (a pick follows). */
static uint64_t eevdf_renewal(struct zsim_wq *q, uint64_t t, int64_t *v, int64_t *d)
{
	uint64_t e = event_after(q, t + (uint64_t)(*d > *v ? *d - *v : 0));
	*v += (int64_t)(e - t);
	*d = *v + (int64_t)q->cfg.slice_ns;
	return e;
}

/* The worker runnable, the storing task running from q->now: when the
 * task is told to reschedule. At a wakeup the enqueue's update_curr and
 * the wakeup check decide at once; after that only a renewal of the
 * task's deadline (at a tick or an interrupt after it) makes a pick. */
static uint64_t eevdf_task_resched(struct zsim_wq *q, bool wakeup)
{
	const int64_t slice = (int64_t)q->cfg.slice_ns;
	if (wakeup) {
		if (q->vt >= q->dt) {
			q->dt = q->vt + slice;
			q->t_protect = false;
		}
		if (eevdf_pick_worker(q, q->vt, q->dt, q->t_protect))
			return q->now;
	}
	uint64_t t = q->now;
	int64_t vt = q->vt, dt = q->dt;
	for (unsigned i = 0; i < 1000000; i++) {
		t = eevdf_renewal(q, t, &vt, &dt);
		if (eevdf_pick_worker(q, vt, dt, false))
			break;
	}
	return t;
}

/* The worker picked at q->now: when it is told to reschedule (its own
 * deadline renewed while the task is eligible and due first). */
static uint64_t eevdf_worker_resched(struct zsim_wq *q, int64_t *dw_at)
{
	uint64_t t = q->now;
	int64_t vw = q->vw, dw = q->dw;
	for (unsigned i = 0; i < 1000000; i++) {
		t = eevdf_renewal(q, t, &vw, &dw);
		bool w_elig = vw <= q->vt, t_elig = q->vt <= vw;
		if (!w_elig || (t_elig && q->dt < dw))
			break;
	}
	*dw_at = dw;
	return t;
}

/* The worker's run ended and it sleeps: its lag is kept (clamped), or it
 * stays queued while not eligible. The task gets the CPU back. */
static void eevdf_worker_sleeps(struct zsim_wq *q)
{
	const int64_t limit = (int64_t)(2 * q->cfg.slice_ns > q->cfg.tick_ns ? 2 * q->cfg.slice_ns
									  : q->cfg.tick_ns);
	int64_t lag = (q->vt - q->vw) / 2;
	if (lag < 0) {
		q->w_delayed = true;
		q->wlag = 0;
	} else {
		q->w_delayed = false;
		q->wlag = lag > limit ? limit : lag;
	}
}

/* queue_work woke the worker: place it (PLACE_LAG), then the wakeup
 * preemption check. */
static void eevdf_worker_wakes(struct zsim_wq *q)
{
	const int64_t slice = (int64_t)q->cfg.slice_ns;
	eevdf_task_sync(q);
	if (q->w_delayed && q->vw > q->vt) {
		/* still queued, not eligible: keeps its place */
	} else {
		int64_t lag = q->w_delayed ? 0 : q->wlag;
		q->vw = q->vt - 2 * lag; /* V' = vt - lag: the lag survives */
		q->dw = q->vw + slice;
	}
	q->w_delayed = false;
	q->resched_at = eevdf_task_resched(q, true);
}

/* run_on_cpu's preempt_at for a worker picked by EEVDF after a store. */
#define PREEMPT_EEVDF (UINT64_MAX - 1)

/*
 * One CPU: the worker has the CPU from q->now until it ends (nothing
 * pending) or is preempted at a cond_resched at or after `preempt_at`.
 * The storing task gets the CPU back at the returned time.
 */
static void run_on_cpu(struct zsim_zswap *z, uint64_t preempt_at)
{
	struct zsim_wq *q = &z->wq;
	int64_t dw_at = 0;
	const bool ev = eevdf(q);
	if (ev && preempt_at == PREEMPT_EEVDF)
		preempt_at = eevdf_worker_resched(q, &dw_at);
	while (start_run(z)) {
		enum zsim_shrink_step k = step(z, &q->now);
		if (k == ZSIM_STEP_STOP && !q->pending)
			break;
		if (k == ZSIM_STEP_RESCHED && q->now >= preempt_at) {
			start_run(z); /* a pending re-queue is running now */
			q->st.preempted++;
			q->runnable_at = q->now;
			break;
		}
	}
	q->task_pick = q->now;
	if (ev) {
		/* the task is picked: its slice is protected again */
		q->t_protect = true;
		q->t_seen = q->now;
		if (runnable(q)) {
			int64_t vw_at = q->vw - (int64_t)(q->now - preempt_at);
			q->dw = dw_at > vw_at ? dw_at : q->vw + (int64_t)q->cfg.slice_ns;
			q->resched_at = eevdf_task_resched(q, false);
		} else {
			eevdf_worker_sleeps(q);
		}
		return;
	}
	if (runnable(q)) /* preempted: the task runs its slice, then the worker */
		q->resched_at = event_after(q, q->task_pick + q->cfg.slice_ns);
}

/* The worker's own preemption after it got the CPU at q->now. */
static uint64_t worker_preempt_at(struct zsim_wq *q)
{
	return event_after(q, q->now + q->cfg.slice_ns);
}

/* cpus >= 2: run every worker iteration that starts before `limit`. */
static void catch_up(struct zsim_zswap *z, uint64_t limit)
{
	struct zsim_wq *q = &z->wq;
	for (;;) {
		if (!q->active) {
			if (!q->pending)
				return;
			uint64_t start = q->wk_now > q->runnable_at ? q->wk_now : q->runnable_at;
			if (start >= limit)
				return;
			q->wk_now = start;
			start_run(z);
		}
		if (q->wk_now >= limit)
			return;
		step(z, &q->wk_now);
	}
}

void zsim_wq_queue(struct zsim_zswap *z)
{
	struct zsim_wq *q = &z->wq;
	if (q->pending)
		return;
	fold(q);
	q->pending = true;
	atomic_store_explicit(&q->idle, false, memory_order_relaxed);
	q->st.queued++;
	if (q->active)
		return; /* runs again once this run ends */
	if (q->cfg.cpus > 1) {
		q->runnable_at = q->now + cost(q, q->cfg.wake_ns);
		return;
	}
	/* EEVDF: placement and the wakeup check (eevdf_worker_wakes). CFS:
	 * a worker that slept is placed far enough behind the running task
	 * (sleeper credit > wakeup granularity) to preempt it at once. */
	q->runnable_at = q->now;
	if (eevdf(q)) {
		eevdf_worker_wakes(q);
		return;
	}
	uint64_t slice_end = q->task_pick + q->cfg.slice_ns;
	if (q->cfg.scheduler == ZSIM_CPU_SCHED_CFS || q->now >= slice_end)
		q->resched_at = q->now;
	else
		q->resched_at = event_after(q, slice_end);
}

/*
 * Where in a page's reclaim zswap_store decides (and queues the worker):
 * the part before it (the folio's checks, its swap slot, the unmap) is
 * charged first, the rest after. Traced on 6.12 for refused pages: 15 us
 * from getting the CPU back to the queue, 8 us from the queue to the next
 * cond_resched.
 */
#define QUEUE_POINT_PCT 65

/* Only moves the task's clock, whatever the worker does: deferred. */
void zsim_wq_before_store(struct zsim_zswap *z, unsigned nr)
{
	struct zsim_wq *q = &z->wq;
	uint64_t c = (uint64_t)nr * (q->cfg.reject_ns * QUEUE_POINT_PCT / 100);
	atomic_fetch_add_explicit(&q->deferred[zsim_shard()].v, c, memory_order_relaxed);
}

void zsim_wq_after_store(struct zsim_zswap *z, unsigned nr, bool stored)
{
	struct zsim_wq *q = &z->wq;
	const uint64_t pre = q->cfg.reject_ns * QUEUE_POINT_PCT / 100;
	uint64_t t = 0;
	for (unsigned i = 0; i < nr; i++) {
		uint64_t c = cost(q, stored ? q->cfg.store_ns : q->cfg.reject_ns);
		t += c > pre ? c - pre : 0;
	}
	/* Worker idle: no point of preemption to act on, only the clock
	 * moves. (A worker queued by another thread meanwhile is seen by the
	 * next store: as if this one had come first.) */
	if (atomic_load_explicit(&q->idle, memory_order_acquire)) {
		atomic_fetch_add_explicit(&q->deferred[zsim_shard()].v, t, memory_order_relaxed);
		return;
	}
	pthread_mutex_lock(&z->shrink_lock);
	fold(q);
	q->now += t;
	q->vt += (int64_t)t;
	if (q->cfg.cpus > 1) {
		catch_up(z, q->now);
	} else if (eevdf(q)) {
		while (runnable(q) && q->now >= q->resched_at) {
			/* the pick that gave the worker the CPU renewed the
			 * task's deadline if it was reached */
			int64_t vt_at = q->vt - (int64_t)(q->now - q->resched_at);
			if (vt_at >= q->dt)
				q->dt = vt_at + (int64_t)q->cfg.slice_ns;
			run_on_cpu(z, PREEMPT_EEVDF);
		}
	} else {
		while (runnable(q) && q->now >= q->resched_at)
			run_on_cpu(z, worker_preempt_at(q));
	}
	publish_idle(q);
	pthread_mutex_unlock(&z->shrink_lock);
}

void zsim_wq_flush(struct zsim_zswap *z)
{
	struct zsim_wq *q = &z->wq;
	fold(q);
	if (q->cfg.cpus > 1) {
		catch_up(z, UINT64_MAX);
		if (q->wk_now > q->now)
			q->now = q->wk_now;
	} else {
		run_on_cpu(z, UINT64_MAX);
	}
	publish_idle(q);
}

int zsim_zswap_sched_yield(struct zsim_zswap *z, uint64_t sleep_ns)
{
	if (!z)
		return ZSIM_EINVAL;
	if (z->shrink_sched != ZSIM_SHRINK_SCHED_SIM)
		return ZSIM_ENOTSUP;
	struct zsim_wq *q = &z->wq;
	pthread_mutex_lock(&z->shrink_lock);
	fold(q);
	uint64_t wake = q->now + sleep_ns;
	if (q->cfg.cpus > 1) {
		catch_up(z, wake);
	} else if (runnable(q)) {
		/* The worker has the CPU; a waking task preempts it once it
		 * has used its slice, else at the tick after. */
		uint64_t own = worker_preempt_at(q);
		uint64_t at = sleep_ns ? (wake > q->now + q->cfg.slice_ns ? wake : own) : own;
		run_on_cpu(z, at);
	}
	if (q->now < wake)
		q->now = wake; /* idle until the task wakes */
	q->task_pick = q->now;
	publish_idle(q);
	pthread_mutex_unlock(&z->shrink_lock);
	return 0;
}

int zsim_zswap_sched_stats(const struct zsim_zswap *z, struct zsim_sched_stats *st)
{
	if (!z || !st)
		return ZSIM_EINVAL;
	if (z->shrink_sched != ZSIM_SHRINK_SCHED_SIM)
		return ZSIM_ENOTSUP;
	struct zsim_zswap *zz = (struct zsim_zswap *)z;
	pthread_mutex_lock(&zz->shrink_lock);
	fold(&zz->wq);
	*st = z->wq.st;
	st->now_ns = z->wq.now;
	pthread_mutex_unlock(&zz->shrink_lock);
	return 0;
}
