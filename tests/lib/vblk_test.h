/*
 * SPDX-License-Identifier: MIT
 * tests/lib/vblk_test.h - what the virtio-blk suites share (tests/drivers/test_virtio_blk.c,
 * tests/drivers/test_virtio_blk_host.c): the helpers of "ktest_blk.h", which
 * tests/drivers/test_virtio_blk_bench.c uses too (finding a disk, multi-segment bios of
 * mixed sizes, the data pattern tools/disk_checks.py regenerates on the
 * host), with the block suites' helpers and the scratch-device marks.
 */
#ifndef TESTS_VBLK_TEST_H
#define TESTS_VBLK_TEST_H

#include "ktest_blk.h"

#include "blk_test.h"
#include "scratch_dev.h"

#endif
