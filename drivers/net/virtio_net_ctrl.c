/*
 * SPDX-License-Identifier: MIT
 * drivers/net/virtio_net_ctrl.c - virtio-net multiqueue (virtio 1.2, 5.1.6.5.5
 * "Automatic receive steering in multiqueue mode") and the control queue
 * that switches it on (5.1.6.5).
 *
 * A device with VIRTIO_NET_F_MQ offers max_virtqueue_pairs queue pairs
 * but uses only the first until told otherwise.  At probe, after
 * DRIVER_OK and before the device is registered, the driver:
 *
 *   1. sets up min(max_virtqueue_pairs, online CPUs, VIRTNET_MAX_QUEUE_PAIRS)
 *      pairs (virtio_net.c: virtnet_alloc, virtnet_find_vqs);
 *   2. sends VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET with that number on the
 *      control queue and polls for the answer (virtnet_set_queues);
 *   3. if the device said VIRTIO_NET_OK: as many transmit queues for the
 *      stack (netif_set_real_num_tx_queues), pair i's two MSI-X vectors
 *      on the i-th online CPU (virtqueue_set_affinity), and the transmits
 *      of the c-th online CPU on queue c % pairs (netif_set_xps_queue) -
 *      so a CPU's packets, their completions and, by the device's flow
 *      steering, their answers stay on that CPU.  If it said
 *      VIRTIO_NET_ERR: one pair, as without MQ (5.1.6.5.5: the device
 *      goes on using the first pair only).
 *   4. if it did not answer at all in VIRTNET_CTRL_TIMEOUT_MS: the probe
 *      fails.  The command is still in the ring, and a device that gets
 *      to it later would steer flows to receive queues nobody fills or
 *      polls: silent drops.  Only a reset takes a command back (2.4), so
 *      the probe resets the device and frees everything (logged, counted
 *      in virtnet_ctrl_timeouts).  The other way out, filling and polling
 *      every pair's ring just in case, would keep memory and vectors busy
 *      on every NIC for a device that is broken anyway.
 *
 *   controlq buffer chain, one command at a time (vi->ctrl, under ctrl_lock):
 *   +---------------------+----------------------+----------------+
 *   | class, cmd (2 bytes)| virtqueue_pairs (2)  | ack (1 byte)   |
 *   | device-readable     | device-readable      | device-writes  |
 *   +---------------------+----------------------+----------------+
 *
 * Try it: docs/network.md "Multiqueue" (a tap with queues=4, -smp 4).
 */
#include <drivers/virtio.h>
#include <drivers/virtio_net.h>
#include <drivers/virtio_ring.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <errno.h>

#include "virtio_net_internal.h"

unsigned long virtnet_config_bad;
unsigned long virtnet_ctrl_timeouts;
u16 virtnet_test_ask_pairs;

u16 virtnet_check_max_pairs(struct virtio_device *vdev, u32 max)
{
	if (max >= VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN && max <= VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX)
		return (u16)max;
	stat_inc(&virtnet_config_bad);
	pr_warn("virtio-net %s: max_virtqueue_pairs %u is outside %u..%u (5.1.4); one pair\n",
		vdev->name, max, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX);
	return 1;
}

static u32 virtnet_read_max_pairs(struct virtio_device *vdev)
{
	return virtio_cread16(vdev, offsetof(struct virtio_net_config, max_virtqueue_pairs));
}

u64 virtnet_mq_features(u64 features, u32 max_pairs, unsigned int num_queues)
{
	const u64 mq = 1ULL << VIRTIO_NET_F_MQ, cvq = 1ULL << VIRTIO_NET_F_CTRL_VQ;

	if ((features & mq) && (features & cvq) && max_pairs > 1 &&
	    max_pairs <= VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX &&
	    (!num_queues || 2 * max_pairs + 1 <= num_queues))
		return features;
	/* Without several pairs, a control queue would only cost a ring: as before MQ. */
	return features & ~(mq | cvq);
}

void virtnet_validate_mq(struct virtio_device *vdev)
{
	u32 max = 0;

	/* 5.1.4: the driver may read the configuration before accepting the features. */
	if (vdev->features & (1ULL << VIRTIO_NET_F_MQ))
		max = virtnet_check_max_pairs(vdev, virtnet_read_max_pairs(vdev));
	/*
	 * num_queues unknown (0) here: QEMU counts only the queues of the
	 * features accepted so far (3 before FEATURES_OK, 2N + 1 after), so
	 * it is checked at probe (virtnet_dev_queue_pairs).
	 */
	vdev->features = virtnet_mq_features(vdev->features, max, 0);
}

u16 virtnet_dev_queue_pairs(struct virtio_device *vdev)
{
	unsigned int num_queues = virtio_num_queues(vdev);
	u32 max;

	if (!virtio_has_feature(vdev, VIRTIO_NET_F_MQ))
		return 1;
	/*
	 * One read, from which the pairs and the control queue's number both
	 * come, checked against the queues the device has now that the
	 * features are set.  validate saw a good value; a device that shows
	 * another one now, out of range or with no queue 2N, gets no control
	 * queue (the number would name some other queue, or none: find_vqs
	 * would fail and lose the NIC) and is used with one pair, which
	 * 5.1.6.5.5 says it uses until told otherwise.
	 */
	max = virtnet_read_max_pairs(vdev);
	if (virtnet_mq_features(vdev->features, max, num_queues) & (1ULL << VIRTIO_NET_F_MQ))
		return (u16)max;
	stat_inc(&virtnet_config_bad);
	pr_warn("virtio-net %s: max_virtqueue_pairs %u with %u queues: no control queue, one "
		"pair\n",
		vdev->name, max, num_queues);
	return 1;
}

u16 virtnet_pick_queue_pairs(u16 dev_pairs)
{
	unsigned int pairs = min((unsigned int)dev_pairs, num_online_cpus());

	return (u16)min(pairs, (unsigned int)VIRTNET_MAX_QUEUE_PAIRS);
}

/*
 * Send one command (3.10's virtnet_send_command): the header and @out,
 * which the device reads, then the ack byte it writes.  Polls the used
 * ring (the control queue has no interrupt) for at most
 * VIRTNET_CTRL_TIMEOUT_MS.  A command that never came back stays in the
 * ring, so the queue is not used again; the caller resets the device,
 * which gives it back.  Returns the ack byte, or -ETIMEDOUT (no answer,
 * or a broken queue).  Caller holds ctrl_lock.
 */
/* 3.10 spins until the device answers (BUG_ON a full ring); we give up: docs/linux-3.10.md */
static int virtnet_send_command(struct virtnet_info *vi, u8 class, u8 cmd, struct scatterlist *out)
{
	struct scatterlist hdr, ack, *sgs[3];
	unsigned long end;
	unsigned int n = 0, len;

	if (vi->ctrl_broken)
		return -ETIMEDOUT;
	vi->ctrl->hdr.class = class;
	vi->ctrl->hdr.cmd = cmd;
	vi->ctrl->ack = 0xff; /* neither OK nor ERR: what a device that writes nothing said */
	sg_init_one(&hdr, &vi->ctrl->hdr, sizeof(vi->ctrl->hdr));
	sgs[n++] = &hdr;
	if (out)
		sgs[n++] = out;
	sg_init_one(&ack, &vi->ctrl->ack, sizeof(vi->ctrl->ack));
	sgs[n++] = &ack;
	if (virtqueue_add_sgs(vi->cvq, sgs, n - 1, 1, vi, GFP_KERNEL))
		return -ETIMEDOUT; /* one command at a time: only a broken queue refuses it */
	virtqueue_kick(vi->cvq);
	end = jiffies + msecs_to_jiffies(VIRTNET_CTRL_TIMEOUT_MS);
	while (!virtqueue_get_buf(vi->cvq, &len)) {
		if (virtqueue_is_broken(vi->cvq) || time_after(jiffies, end)) {
			vi->ctrl_broken = true;
			stat_inc(&virtnet_ctrl_timeouts);
			pr_err("virtio-net %s: control command %u.%u: no answer in %u ms; "
			       "control queue abandoned\n",
			       vi->vdev->name, class, cmd, VIRTNET_CTRL_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	/* The device wrote the ack before it published the used entry get_buf read. */
	return READ_ONCE(vi->ctrl->ack);
}

/* Send VQ_PAIRS_SET for @queue_pairs, whatever it is (tests send bad ones on purpose). */
static int __virtnet_set_queues(struct virtnet_info *vi, u16 queue_pairs)
{
	struct scatterlist sg;
	int ack;

	mutex_lock(&vi->ctrl_lock);
	vi->ctrl->mq.virtqueue_pairs = queue_pairs; /* little-endian, as x86 */
	sg_init_one(&sg, &vi->ctrl->mq, sizeof(vi->ctrl->mq));
	ack = virtnet_send_command(vi, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &sg);
	mutex_unlock(&vi->ctrl_lock);
	if (ack == VIRTIO_NET_OK) {
		stat_inc(&vi->stats.ctrl_ok);
		return 0;
	}
	stat_inc(&vi->stats.ctrl_failed);
	if (ack < 0)
		return ack; /* logged by virtnet_send_command */
	pr_warn("virtio-net %s: the device refused %u queue pairs (ack %d, %s)\n", vi->vdev->name,
		queue_pairs, ack, ack == VIRTIO_NET_ERR ? "VIRTIO_NET_ERR" : "not an ack value");
	return -EIO;
}

int virtnet_set_queues(struct virtnet_info *vi, u16 queue_pairs)
{
	if (!vi->cvq)
		return -EOPNOTSUPP;
	if (!queue_pairs || queue_pairs > vi->max_queue_pairs)
		return -EINVAL;
	return __virtnet_set_queues(vi, queue_pairs);
}

/* Move one queue's vector; a failure (a shared vector, INTx) is counted once per queue. */
static void virtnet_vq_affinity(struct virtnet_info *vi, struct virtqueue *vq, int cpu)
{
	if (virtqueue_set_affinity(vq, cpu))
		stat_inc(&vi->stats.affinity_failed);
}

/*
 * Pair i on the i-th online CPU (CPU numbers may have holes: a CPU left
 * out at boot): its two vectors, and that CPU's transmits.  Online CPUs
 * past the last pair send on queue index % pairs.  There are never more
 * pairs than online CPUs (virtnet_pick_queue_pairs).
 */
/* 3.10: affinity hints and a per-CPU vq_index; we route vectors and fill XPS: docs/linux-3.10.md */
static void virtnet_set_affinity(struct virtnet_info *vi)
{
	unsigned int cpu, idx = 0;

	for_each_online_cpu(cpu) {
		if (idx < vi->curr_queue_pairs) {
			virtnet_vq_affinity(vi, vi->rq[idx].vq, (int)cpu);
			virtnet_vq_affinity(vi, vi->sq[idx].vq, (int)cpu);
		}
		netif_set_xps_queue(vi->dev, cpu, (int)(idx % vi->curr_queue_pairs));
		idx++;
	}
	if (vi->stats.affinity_failed)
		pr_warn("virtio-net %s: %lu queue vectors could not follow their CPU (shared "
			"vector or INTx)\n",
			vi->vdev->name, vi->stats.affinity_failed);
}

void virtnet_clean_affinity(struct virtnet_info *vi)
{
	if (vi->curr_queue_pairs < 2)
		return; /* nothing was moved */
	for (unsigned int i = 0; i < vi->curr_queue_pairs; i++) {
		virtqueue_set_affinity(vi->rq[i].vq, -1);
		virtqueue_set_affinity(vi->sq[i].vq, -1);
	}
}

/* The pairs to ask for: all set up, unless a test asks for another count. */
static u16 virtnet_pairs_to_ask(struct virtnet_info *vi)
{
	return READ_ONCE(virtnet_test_ask_pairs) ? READ_ONCE(virtnet_test_ask_pairs)
						 : vi->max_queue_pairs;
}

/* 3.10 starts with one pair (ethtool -L for more); we ask for them all: docs/linux-3.10.md */
int virtnet_set_queue_pairs(struct virtnet_info *vi)
{
	u16 want = virtnet_pairs_to_ask(vi);
	int err;

	vi->curr_queue_pairs = 1;
	netif_set_real_num_tx_queues(vi->dev, 1);
	if (!vi->cvq)
		return 0;
	err = __virtnet_set_queues(vi, want);
	if (err == -EIO) {
		/* 5.1.6.5.5: the device keeps using the first pair only. */
		pr_warn("virtio-net %s: multiqueue off: 1 queue pair\n", vi->vdev->name);
		return 0;
	}
	if (err)
		return err; /* no answer: the caller resets the device */
	if (want > vi->max_queue_pairs)
		return 0; /* acked a count we never set up (a test's): stay on one */
	vi->curr_queue_pairs = want;
	netif_set_real_num_tx_queues(vi->dev, vi->curr_queue_pairs);
	if (vi->curr_queue_pairs > 1)
		virtnet_set_affinity(vi);
	return 0;
}
