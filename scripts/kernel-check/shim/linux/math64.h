/* Shim (see types.h). */
#include <linux/types.h>
static inline u64 div_u64(u64 a, u32 b) { return a / b; }
