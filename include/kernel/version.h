/*
 * SPDX-License-Identifier: MIT
 * kernel/version.h - who we are (monitor `version`, the boot banner).
 */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define KERNEL_NAME    "teachos"
#define KERNEL_VERSION "0.1"

extern const char kernel_banner[];

#endif
