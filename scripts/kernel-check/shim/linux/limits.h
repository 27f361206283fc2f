/* Shim (see types.h). */
#include <limits.h>
#include <stdint.h>
