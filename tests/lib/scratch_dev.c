/*
 * SPDX-License-Identifier: MIT
 * tests/lib/scratch_dev.c - the marks of the devices the test runner made for
 * tests (tests/lib/scratch_dev.h): a virtio-blk serial "ktest-...", a virtio-net
 * MAC 52:54:00:7e:57:xx.  Every test that writes to a disk or reconfigures
 * a NIC asks here first.
 */
#include <block/blkdev.h>
#include <drivers/virtio_net.h>
#include <kernel/printk.h>
#include <stdio.h>
#include <string.h>

#include "scratch_dev.h"

static const u8 scratch_mac_prefix[] = SCRATCH_MAC_PREFIX;

bool scratch_disk(struct virtio_blk *vblk, char serial[VIRTIO_BLK_ID_BYTES + 1])
{
	char id[VIRTIO_BLK_ID_BYTES + 1] = "";

	if (virtblk_get_id(vblk->disk, id))
		id[0] = '\0'; /* no serial: not ours */
	if (serial)
		memcpy(serial, id, sizeof(id));
	return !strncmp(id, SCRATCH_DISK_PREFIX, strlen(SCRATCH_DISK_PREFIX));
}

void scratch_need_disk(struct ktest *t, struct virtio_blk *vblk)
{
	char serial[VIRTIO_BLK_ID_BYTES + 1], why[96];

	if (scratch_disk(vblk, serial))
		return;
	snprintf(why, sizeof(why), "%s is not a test disk (serial %s): writes skipped",
		 vblk->disk->disk_name, serial[0] ? serial : "none");
	ktest_skip(t, why);
}

bool scratch_nic(struct virtio_device *vdev, u8 mac[6])
{
	u8 got[6] = { 0 };

	/* The offer, not the negotiated set: virtio_net=nomac refuses the MAC; QEMU has it. */
	if (vdev->id.device == VIRTIO_ID_NET &&
	    (vdev->device_features & (1ULL << VIRTIO_NET_F_MAC)))
		virtio_cread_bytes(vdev, offsetof(struct virtio_net_config, mac), got, sizeof(got));
	if (mac)
		memcpy(mac, got, sizeof(got));
	return !memcmp(got, scratch_mac_prefix, sizeof(scratch_mac_prefix));
}

void scratch_need_nic(struct ktest *t, struct virtio_device *vdev)
{
	char why[96];
	u8 m[6];

	if (scratch_nic(vdev, m))
		return;
	snprintf(why, sizeof(why),
		 "%s is not a test NIC (MAC %02x:%02x:%02x:%02x:%02x:%02x): left alone", vdev->name,
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	ktest_skip(t, why);
}
