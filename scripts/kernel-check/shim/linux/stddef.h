/* Shim (see types.h). */
#include <linux/types.h>
