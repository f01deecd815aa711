/*
 * SPDX-License-Identifier: MIT
 * kernel/version.c - the boot banner, with the compiler that built us.
 */
#include <kernel/version.h>

const char kernel_banner[] = KERNEL_NAME " " KERNEL_VERSION " (x86_64, gcc " __VERSION__ ")";
