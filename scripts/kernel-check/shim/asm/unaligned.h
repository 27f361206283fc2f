/* Shim (see ../linux/types.h): 6.1's lib/ includes this path. */
#include <linux/unaligned.h>
