/* Shim (see types.h): lib/zstd debug output is compiled out. */
#define pr_debug(...) do {} while (0)
