/* Shim (see types.h): module boilerplate compiles to nothing. */
#ifndef ZSIM_SHIM_MODULE_H
#define ZSIM_SHIM_MODULE_H
#include <linux/kernel.h>
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define module_init(x)
#define module_exit(x)
#endif
