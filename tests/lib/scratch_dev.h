/*
 * SPDX-License-Identifier: MIT
 * tests/lib/scratch_dev.h - which disks and NICs a test may write to or
 * reconfigure: only the ones the test runner made for tests.
 *
 * A user's machine (`make run`) has a disk with data on it (serial
 * teachos-vda, build/disk.img, kept between runs) and a NIC they may have
 * configured (MAC 52:54:00:12:34:56).  `test all` at the monitor must leave
 * both as they were.  So the runner marks its scratch devices, and a test
 * checks the mark before it writes, resets, rebinds or re-addresses one:
 *
 *   disk  a virtio-blk disk whose serial (QEMU's serial=, GET_ID) starts
 *         with "ktest-": ktest-rw, ktest-ro (tools/disk_checks.py),
 *         ktest-host (the host pattern check), ktest-bench (make bench)
 *   NIC   a virtio-net device whose MAC in config space (QEMU's mac=) is
 *         52:54:00:7e:57:xx (tools/net_checks.py, the virtio variants of
 *         tools/run-tests.py); read even when the driver did not take it
 *         (virtio_net=nomac), since the mark is what QEMU was given
 *
 * On any other device the cases that would change it skip, saying why
 * ("vda is not a test disk (serial teachos-vda): writes skipped"); cases
 * that only look may still run.  docs/testing.md has the same rule.
 *
 *   struct virtio_blk *vblk = vblk_test_find(t, false);
 *   scratch_need_disk(t, vblk);       skips unless vblk is the runner's
 *   ... write ...
 */
#ifndef TESTS_SCRATCH_DEV_H
#define TESTS_SCRATCH_DEV_H

#include <drivers/virtio.h>
#include <drivers/virtio_blk.h>
#include <kernel/ktest.h>

#define SCRATCH_DISK_PREFIX "ktest-" /* the serial of a test disk starts so */
#define SCRATCH_MAC_PREFIX                   \
	{                                    \
		0x52, 0x54, 0x00, 0x7e, 0x57 \
	} /* 52:54:00:7e:57:xx */

/*
 * scratch_disk - is @vblk a disk the runner made for tests (serial
 * "ktest-...")?  Copies the serial into @serial when it is not NULL.
 * Context: thread, sleeps (asks the device: GET_ID).
 */
bool scratch_disk(struct virtio_blk *vblk, char serial[VIRTIO_BLK_ID_BYTES + 1]);

/*
 * scratch_need_disk - skip the case (call it before allocating anything)
 * unless @vblk is a test disk; the reason names the disk and its serial.
 */
void scratch_need_disk(struct ktest *t, struct virtio_blk *vblk);

/*
 * scratch_nic - is @vdev a virtio-net device the runner made for tests (the
 * MAC in its config space is 52:54:00:7e:57:xx)?  Copies that MAC into
 * @mac when it is not NULL (zeros if the device offers none).  Bound or
 * not.  Context: any.
 */
bool scratch_nic(struct virtio_device *vdev, u8 mac[6]);

/* scratch_need_nic - skip the case unless @vdev is a test NIC; the reason names it. */
void scratch_need_nic(struct ktest *t, struct virtio_device *vdev);

#endif
