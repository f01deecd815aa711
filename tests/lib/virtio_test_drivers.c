/*
 * SPDX-License-Identifier: MIT
 * tests/lib/virtio_test_drivers.c - small virtio drivers for the in-guest
 * tests (tests/drivers/test_virtio*.c): "test-net" makes virtio-net's three queues
 * and sends commands on the control queue, "test-rng" asks virtio-rng for
 * random bytes.  Each is a complete, minimal driver: probe (3.1.1 step 7),
 * a queue callback, remove (reset first, then take buffers back, then
 * delete the queues).
 */
#include <kernel/completion.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <errno.h>
#include <string.h>
#include "scratch_dev.h"
#include "virtio_test_drivers.h"

/* ---- a virtio-net test driver: three queues, the control queue used ------------------- */

static void tnet_callback(struct virtqueue *vq)
{
	struct tnet *n = vq->vdev->priv;

	n->callbacks[vq->index]++;
	complete(&n->done);
}

static int tnet_probe(struct virtio_device *vdev)
{
	vq_callback_t *callbacks[] = { tnet_callback, tnet_callback, tnet_callback };
	const char *const names[] = { "rx", "tx", "ctrl" };
	struct tnet *n = kzalloc(sizeof(*n), GFP_KERNEL);
	int ret;

	if (!n)
		return -ENOMEM;
	init_completion(&n->done);
	n->status_at_probe = vdev->config->get_status(vdev);
	virtio_cread_bytes(vdev, offsetof(struct test_net_config, mac), n->mac, sizeof(n->mac));
	vdev->priv = n;
	ret = vdev->config->find_vqs(vdev, 3, n->vq, callbacks, names);
	if (ret)
		kfree(n);
	return ret;
}

static void tnet_remove(struct virtio_device *vdev)
{
	struct tnet *n = vdev->priv;
	void *buf;

	virtio_reset_device(vdev); /* first: the device stops touching the rings */
	/* Commands a broken device never answered: ours again after the reset. */
	for (int i = 0; i < 3; i++)
		while (n->vq[i] && (buf = virtqueue_detach_unused_buf(n->vq[i])))
			kfree(buf);
	vdev->config->del_vqs(vdev);
	kfree(n);
}

static const struct virtio_device_id tnet_ids[] = { { VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID }, {} };
static const unsigned int tnet_features[] = {
	VIRTIO_NET_F_MAC,     VIRTIO_NET_F_STATUS, VIRTIO_NET_F_CTRL_VQ,
	VIRTIO_NET_F_CTRL_RX, VIRTIO_F_VERSION_1,
};

struct virtio_driver tnet_driver = {
	.name = "test-net",
	.id_table = tnet_ids,
	.feature_table = tnet_features,
	.feature_table_size = ARRAY_SIZE(tnet_features),
	.probe = tnet_probe,
	.remove = tnet_remove,
};

/* Send VIRTIO_NET_CTRL_RX_PROMISC on @vdev's control queue; the ack, or -errno. */
int tnet_promisc(struct ktest *t, struct virtio_device *vdev, u8 on)
{
	struct tnet *n = vdev->priv;
	struct virtqueue *cvq = n->vq[2];
	struct test_net_ctrl *c = kmalloc(sizeof(*c), GFP_KERNEL);
	struct scatterlist hdr, data, ack, *sgs[] = { &hdr, &data, &ack };
	unsigned int len = 0, size = virtqueue_get_vring_size(cvq);
	void *token;
	int ret;

	if (!c)
		return -ENOMEM;
	*c = (struct test_net_ctrl){ VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, on, 0xff };
	sg_init_one(&hdr, &c->class, 2);
	sg_init_one(&data, &c->on, 1);
	sg_init_one(&ack, &c->ack, 1);
	reinit_completion(&n->done);
	ret = virtqueue_add_sgs(cvq, sgs, 2, 1, c, GFP_KERNEL);
	if (ret) {
		kfree(c);
		return ret;
	}
	/* Indirect: the chain is one ring descriptor; else one per piece. */
	EXPECT_EQ(t, cvq->num_free,
		  size - (virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC) ? 1 : 3));
	virtqueue_kick(cvq);
	if (!wait_for_completion_timeout(&n->done, msecs_to_jiffies(WAIT_MS)))
		ktest_fail(t, __FILE__, __LINE__, "%s: no interrupt for the control queue",
			   vdev->name);
	token = virtqueue_get_buf(cvq, &len);
	EXPECT_EQ(t, token, c);
	if (token != c)
		return -EIO;  /* still the device's: tnet_remove takes it back after the reset */
	EXPECT_EQ(t, len, 1); /* the ack byte */
	EXPECT_EQ(t, cvq->num_free, size); /* every descriptor back */
	ret = c->ack;
	kfree(c);
	return ret;
}

/* ---- a virtio-rng test driver: one queue the device fills -------------------------------- */

static void trng_callback(struct virtqueue *vq)
{
	complete(&((struct trng *)vq->vdev->priv)->done);
}

static int trng_probe(struct virtio_device *vdev)
{
	vq_callback_t *callbacks[] = { trng_callback };
	const char *const names[] = { "req" };
	struct trng *r = kzalloc(sizeof(*r), GFP_KERNEL);
	int ret;

	if (!r)
		return -ENOMEM;
	init_completion(&r->done);
	vdev->priv = r;
	ret = vdev->config->find_vqs(vdev, 1, &r->vq, callbacks, names);
	if (ret)
		kfree(r);
	return ret;
}

static void trng_remove(struct virtio_device *vdev)
{
	struct trng *r = vdev->priv;
	void *buf;

	virtio_reset_device(vdev);
	/* Buffers the device never filled (a broken device's): ours again after the reset. */
	while ((buf = virtqueue_detach_unused_buf(r->vq)))
		kfree(buf);
	vdev->config->del_vqs(vdev);
	kfree(r);
}

static const struct virtio_device_id trng_ids[] = { { VIRTIO_ID_RNG, VIRTIO_DEV_ANY_ID }, {} };
static const unsigned int trng_features[] = { VIRTIO_F_VERSION_1 };

struct virtio_driver trng_driver = {
	.name = "test-rng",
	.id_table = trng_ids,
	.feature_table = trng_features,
	.feature_table_size = ARRAY_SIZE(trng_features),
	.probe = trng_probe,
	.remove = trng_remove,
};

/* ---- helpers ------------------------------------------------------------------------ */

static struct virtio_device *borrowed[8]; /* devices whose driver the suite put aside */
static struct virtio_driver *borrowed_from[8];

int virtio_suite_init(void)
{
	struct virtio_device *dev = NULL;
	int n = 0;

	while ((dev = virtio_get_device(VIRTIO_DEV_ANY_ID, dev)) && n < 8) {
		if (!dev->driver ||
		    (dev->id.device != VIRTIO_ID_NET && dev->id.device != VIRTIO_ID_RNG))
			continue;
		if (dev->id.device == VIRTIO_ID_NET && !scratch_nic(dev, NULL))
			continue; /* a user's NIC (make run's): left bound and running */
		borrowed[n] = dev;
		borrowed_from[n++] = dev->driver;
		virtio_device_release_driver(dev);
	}
	return 0;
}

void virtio_suite_exit(void)
{
	for (int i = 0; i < 8 && borrowed[i]; i++)
		if (virtio_device_attach(borrowed[i]))
			pr_warn("test: could not give %s back to %s\n", borrowed[i]->name,
				borrowed_from[i]->name);
	memset(borrowed, 0, sizeof(borrowed));
}

/* The test NIC on the modern (or legacy) transport, or skip (naming a user's NIC if any). */
struct virtio_device *net_dev(struct ktest *t, bool modern)
{
	struct virtio_device *dev = NULL, *other = NULL;

	while ((dev = virtio_get_device(VIRTIO_ID_NET, dev))) {
		if (to_vp_device(dev)->modern != modern)
			continue;
		if (scratch_nic(dev, NULL))
			return dev;
		if (!other)
			other = dev;
	}
	if (other)
		scratch_need_nic(t, other); /* skips */
	ktest_skip(t, "no such virtio-net device (the virtio variants have them)");
}

void register_or_abort(struct ktest *t, struct virtio_driver *drv)
{
	if (!virtio_get_device(drv->id_table[0].device, NULL))
		ktest_skip(t, "no virtio device of that type (the virtio variants have them)");
	ASSERT_EQ(t, register_virtio_driver(drv), 0);
}

u8 status_of(struct virtio_device *dev)
{
	return dev->config->get_status(dev);
}
