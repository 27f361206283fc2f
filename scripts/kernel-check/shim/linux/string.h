/* Shim (see types.h). */
#include <string.h>
