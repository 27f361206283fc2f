/*
 * test_zswap_config.c - the configuration and load API are hard to misuse:
 * a zeroed struct zsim_zswap_config is the default zswap (enabled, 20%
 * pool, 90% threshold), not a disabled one; ZSIM_CONFIG_OFF turns zswap
 * off in either form; after zsim_zswap_config_init every field means what
 * it says (enabled = 0 is off, as before). A store zswap refuses returns 0
 * and where = device, never ZSIM_REJECTED, as the header says.
 * zsim_zswap_load_slot is zsim_zswap_load with the slot named by fields.
 */
#include "testutil.h"

static struct zsim_zswap *create(const struct zsim_zswap_config *cfg)
{
	struct zsim_zswap *z;
	assert_int_equal(zsim_zswap_create(cfg, &z), 0);
	assert_int_equal(zsim_zswap_swapon_memory(z, 0, 64), 0);
	return z;
}

static enum zsim_swap_where store_text(struct zsim_zswap *z, uint64_t off, int *rc)
{
	unsigned char page[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, off, page);
	struct zsim_swap_folio f = {.type = 0, .offset = off, .data = page};
	enum zsim_swap_where w = ZSIM_WHERE_NONE;
	*rc = zsim_zswap_store(z, &f, &w);
	return w;
}

static void test_zeroed_is_default(void **state)
{
	(void)state;
	struct zsim_zswap_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_cpus = 1;
	struct zsim_zswap *z = create(&cfg);
	int rc;
	assert_int_equal(store_text(z, 0, &rc), ZSIM_WHERE_ZSWAP);
	assert_int_equal(rc, 0);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_int_equal(st.stored_pages, 1);
	zsim_zswap_destroy(z);

	/* Designated initializers: the same, with one setting changed. */
	struct zsim_zswap_config d = {.compressor = "lz4", .nr_cpus = 1};
	z = create(&d);
	assert_int_equal(store_text(z, 1, &rc), ZSIM_WHERE_ZSWAP);
	zsim_zswap_destroy(z);
}

static void test_off_in_both_forms(void **state)
{
	(void)state;
	struct zsim_zswap_config d = {.enabled = ZSIM_CONFIG_OFF, .nr_cpus = 1};
	struct zsim_zswap *z = create(&d);
	int rc;
	assert_int_equal(store_text(z, 0, &rc), ZSIM_WHERE_DEVICE);
	assert_int_equal(rc, 0);
	zsim_zswap_destroy(z);

	struct zsim_zswap_config c;
	zsim_zswap_config_init(&c);
	c.nr_cpus = 1;
	c.enabled = ZSIM_CONFIG_OFF;
	z = create(&c);
	assert_int_equal(store_text(z, 0, &rc), ZSIM_WHERE_DEVICE);
	zsim_zswap_destroy(z);

	/* Source compatibility: after config_init, 0 still means off. */
	zsim_zswap_config_init(&c);
	c.nr_cpus = 1;
	c.enabled = 0;
	z = create(&c);
	assert_int_equal(store_text(z, 0, &rc), ZSIM_WHERE_DEVICE);
	zsim_zswap_destroy(z);
}

static void test_init_fields_mean_what_they_say(void **state)
{
	(void)state;
	struct zsim_zswap_config c;
	zsim_zswap_config_init(&c);
	assert_int_equal(c.initialized, ZSIM_ZSWAP_CONFIG_INITIALIZED);
	assert_int_equal(c.enabled, 1);
	assert_int_equal(c.max_pool_percent, 20);
	assert_int_equal(c.accept_threshold_percent, 90);
}

/* A refusal (incompressible page: reject_compress_poor) is not an error. */
static void test_refused_store_returns_zero(void **state)
{
	(void)state;
	struct zsim_zswap_config d = {.nr_cpus = 1};
	struct zsim_zswap *z = create(&d);
	unsigned char page[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_RANDOM, 7, page);
	struct zsim_swap_folio f = {.type = 0, .offset = 3, .data = page};
	enum zsim_swap_where w = ZSIM_WHERE_NONE;
	int rc = zsim_zswap_store(z, &f, &w);
	assert_int_equal(rc, 0);
	assert_int_not_equal(rc, ZSIM_REJECTED);
	assert_int_equal(w, ZSIM_WHERE_DEVICE);
	struct zsim_zswap_stats st;
	zsim_zswap_stats(z, &st);
	assert_true(st.reject_compress_poor + st.reject_compress_fail == 1);
	assert_int_equal(st.pswpout, 1);
	/* And it comes back from the device. */
	unsigned char back[ZSIM_PAGE_SIZE];
	enum zsim_swap_where from;
	assert_int_equal(zsim_zswap_load_slot(z, &(struct zsim_swap_slot){.offset = 3}, back, &from),
			 0);
	assert_int_equal(from, ZSIM_WHERE_DEVICE);
	assert_memory_equal(page, back, ZSIM_PAGE_SIZE);
	zsim_zswap_destroy(z);
}

static void test_load_slot(void **state)
{
	(void)state;
	struct zsim_zswap_config d = {.nr_cpus = 2};
	struct zsim_zswap *z = create(&d);
	unsigned char page[ZSIM_PAGE_SIZE], back[ZSIM_PAGE_SIZE];
	zsim_test_page(ZSIM_PAGE_TEXT, 1, page);
	struct zsim_swap_folio f = {.type = 0, .offset = 9, .memcg = 2, .cpu = 1, .data = page};
	assert_int_equal(zsim_zswap_store(z, &f, NULL), 0);
	enum zsim_swap_where from = ZSIM_WHERE_NONE;
	struct zsim_swap_slot s = {.type = 0, .offset = 9, .memcg = 2, .cpu = 1};
	assert_int_equal(zsim_zswap_load_slot(z, &s, back, &from), 0);
	assert_int_equal(from, ZSIM_WHERE_ZSWAP);
	assert_memory_equal(page, back, ZSIM_PAGE_SIZE);
	/* Same errors as zsim_zswap_load. */
	s.offset = 10;
	assert_int_equal(zsim_zswap_load_slot(z, &s, back, &from), ZSIM_ENOENT);
	s.cpu = 2;
	assert_int_equal(zsim_zswap_load_slot(z, &s, back, &from), ZSIM_ERANGE);
	s.cpu = 0;
	s.type = 1;
	assert_int_equal(zsim_zswap_load_slot(z, &s, back, &from), ZSIM_ESHUTDOWN);
	assert_int_equal(zsim_zswap_load_slot(z, NULL, back, &from), ZSIM_EINVAL);
	assert_int_equal(from, ZSIM_WHERE_NONE);
	zsim_zswap_destroy(z);
}

/* Every listed profile has its own bit, and the bit matches the counter
 * table: duplicate_entry is a 6.1-only counter. */
static void test_profile_bit(void **state)
{
	(void)state;
	unsigned seen = 0, bit = 0;
	for (const char *const *n = zsim_zswap_profiles(); *n; n++) {
		assert_int_equal(zsim_zswap_profile_bit(*n, &bit), 0);
		assert_int_equal(bit & (bit - 1), 0); /* one bit */
		assert_int_equal(seen & bit, 0);      /* its own */
		seen |= bit;
	}
	assert_int_equal(seen, ZSIM_P_ALL);
	size_t n;
	const struct zsim_counter_info *ci = zsim_counters(&n);
	unsigned b61 = 0, b612 = 0;
	assert_int_equal(zsim_zswap_profile_bit("6.1", &b61), 0);
	assert_int_equal(zsim_zswap_profile_bit("6.12", &b612), 0);
	int found = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ci[i].name, "duplicate_entry")) {
			found = 1;
			assert_true(ci[i].profiles & b61);
			assert_false(ci[i].profiles & b612);
		}
	assert_true(found);
	bit = 7;
	assert_int_equal(zsim_zswap_profile_bit("6.2", &bit), ZSIM_ENOENT);
	assert_int_equal(bit, 7); /* untouched on error */
	assert_int_equal(zsim_zswap_profile_bit(NULL, &bit), ZSIM_EINVAL);
	assert_int_equal(zsim_zswap_profile_bit("6.1", NULL), ZSIM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zeroed_is_default),
		cmocka_unit_test(test_off_in_both_forms),
		cmocka_unit_test(test_init_fields_mean_what_they_say),
		cmocka_unit_test(test_refused_store_returns_zero),
		cmocka_unit_test(test_load_slot),
		cmocka_unit_test(test_profile_bit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
