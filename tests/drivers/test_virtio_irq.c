/*
 * SPDX-License-Identifier: MIT
 * tests/drivers/test_virtio_irq.c - how the virtio PCI transport takes interrupts
 * (drivers/virtio/virtio_pci.c): MSI-X with a vector per queue, MSI-X with one
 * vector shared by the queues, and INTx (pdev->no_msi, or everywhere with
 * pci=nomsi) where the ISR byte says what happened.  Each mode is checked
 * with a control-queue round trip that must arrive by interrupt.  Same
 * devices as tests/drivers/test_virtio.c, and the same rule: only the runner's test
 * NICs (MAC 52:54:00:7e:57:xx) are unbound and rebound, never make run's.
 *
 * Then the routing of a queue's own vector (virtqueue_set_affinity,
 * irq_set_affinity on an MSI-X line): the control queue's vector is moved to
 * each online CPU in turn and a round trip must be counted there and nowhere
 * else (kstat_irqs_cpu); the table entry must hold the CPU's APIC ID; a
 * command answered while the entry is masked must arrive, on the CPU chosen
 * meanwhile, at the unmask.  The smp4-virtio variant runs these on 4 CPUs.
 */
#include <drivers/pci_test.h>
#include <kernel/irq.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <stdio.h>
#include <string.h>
#include "monitor_test.h"
#include "virtio_test_drivers.h"

static const u8 legacy_mac5 = 0x11; /* last byte of 52:54:00:7e:57:11 */

/*
 * kstat_irqs(@line) once it has reached @want, waiting up to a second: the
 * count is taken after the handler returns (kernel/irq.c), and on another
 * CPU the handler's complete() may wake us before that.
 */
static unsigned long kstat_irqs_reached(int line, unsigned long want)
{
	ktest_wait_until(kstat_irqs(line) >= want, 1000);
	return kstat_irqs(line);
}

static void need_msix(struct ktest *t)
{
	if (!pci_msi_enabled())
		ktest_skip(t, "no MSI-X here (pci=nomsi or noapic)");
}

TEST_CASE(virtio_irq_test_msix_vector_per_queue)
{
	struct virtio_device *dev = net_dev(t, true);
	struct virtio_pci_device *vp = to_vp_device(dev);
	struct tnet *n;
	int lines[4];
	unsigned long before;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	n = dev->priv;
	/* QEMU gives virtio-net 4 vectors: configuration + rx, tx, ctrl. */
	EXPECT_TRUE(t, vp->pci_dev->msix_enabled);
	EXPECT_EQ(t, vp->msix_vectors, 4);
	EXPECT_TRUE(t, vp->per_vq_vectors);
	EXPECT_FALSE(t, vp->intx);
	for (int i = 0; i < 4; i++) {
		lines[i] = pci_irq_vector(vp->pci_dev, i);
		ASSERT_GE(t, lines[i], 16);
		for (int j = 0; j < i; j++)
			EXPECT_NE(t, lines[i], lines[j]);
	}
	before = kstat_irqs(lines[3]);
	EXPECT_EQ(t, tnet_promisc(t, dev, 1), VIRTIO_NET_OK);
	EXPECT_GE(t, kstat_irqs_reached(lines[3], before + 1), before + 1); /* the ctrl queue's */
	EXPECT_EQ(t, n->callbacks[2], 1);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_irq_test_msix_vector_shared_by_the_queues)
{
	struct virtio_device *dev = net_dev(t, false);
	struct virtio_pci_device *vp = to_vp_device(dev);
	unsigned long before;
	int shared;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	/* vectors=2 on the command line: no room for one per queue. */
	EXPECT_TRUE(t, vp->pci_dev->msix_enabled);
	EXPECT_EQ(t, vp->msix_vectors, 2);
	EXPECT_FALSE(t, vp->per_vq_vectors);
	EXPECT_TRUE(t, vp->shared_irq);
	shared = pci_irq_vector(vp->pci_dev, 1);
	ASSERT_GE(t, shared, 16);
	before = kstat_irqs(shared);
	EXPECT_EQ(t, tnet_promisc(t, dev, 1), VIRTIO_NET_OK);
	EXPECT_GE(t, kstat_irqs_reached(shared, before + 1), before + 1);
	/* Legacy with MSI-X on: the configuration starts at 24. */
	EXPECT_EQ(t, virtio_cread8(dev, 5), legacy_mac5);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_irq_test_intx_when_msix_is_off)
{
	struct virtio_device *modern = net_dev(t, true), *legacy = net_dev(t, false);
	struct pci_dev *pm = to_vp_device(modern)->pci_dev, *pl = to_vp_device(legacy)->pci_dev;
	bool was_m = pm->no_msi, was_l = pl->no_msi;

	pm->no_msi = pl->no_msi = true;
	register_or_abort(t, &tnet_driver);
	for (int i = 0; i < 2; i++) {
		struct virtio_device *dev = i ? legacy : modern;
		struct virtio_pci_device *vp = to_vp_device(dev);

		EXPECT_TRUE(t, vp->intx);
		EXPECT_EQ(t, vp->msix_vectors, 0);
		EXPECT_FALSE(t, vp->pci_dev->msix_enabled);
		EXPECT_EQ(t, pci_irq_vector(vp->pci_dev, 0), (int)vp->pci_dev->irq);
		EXPECT_EQ(t, tnet_promisc(t, dev, 1), VIRTIO_NET_OK);
		EXPECT_GE(t, vp->intx_interrupts, 1); /* the ISR said "queue" */
		/* INTx: no vector of the queue's own to route. */
		EXPECT_EQ(t, virtqueue_set_affinity(((struct tnet *)dev->priv)->vq[2], 0), -EINVAL);
	}
	/* Legacy without MSI-X: the configuration starts at 20. */
	EXPECT_EQ(t, virtio_cread8(legacy, 5), legacy_mac5);
	unregister_virtio_driver(&tnet_driver);
	pm->no_msi = was_m;
	pl->no_msi = was_l;
}

TEST_CASE(virtio_irq_test_queues_without_callback_get_no_vector)
{
	struct virtio_device *dev = net_dev(t, true);
	struct virtio_pci_device *vp = to_vp_device(dev);
	vq_callback_t *callbacks[] = { NULL, NULL };
	const char *const names[] = { "rx", "tx" };
	struct virtqueue *vqs[2];
	struct virtio_pci_vq_info *info;
	struct tnet *n;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	n = dev->priv;
	/* Make them again, without callbacks: only the configuration vector is needed. */
	virtio_reset_device(dev);
	dev->config->del_vqs(dev);
	ASSERT_EQ(t, dev->config->find_vqs(dev, 2, vqs, callbacks, names), 0);
	EXPECT_EQ(t, vp->msix_vectors, 1);
	info = vqs[0]->priv;
	EXPECT_EQ(t, info->msix_vector, VIRTIO_MSI_NO_VECTOR);
	memset(n->vq, 0, sizeof(n->vq));
	unregister_virtio_driver(&tnet_driver); /* tnet_remove resets and deletes these */
}

/* ---- routing a queue's vector to a CPU ------------------------------------------------ */

/* The line of @vq's own MSI-X vector (the test NIC's queues each have one here). */
static int vq_line(struct ktest *t, struct virtqueue *vq)
{
	struct virtio_pci_vq_info *info = vq->priv;
	int line;

	ASSERT_NE(t, info->msix_vector, VIRTIO_MSI_NO_VECTOR);
	line = pci_irq_vector(to_vp_device(vq->vdev)->pci_dev, info->msix_vector);
	ASSERT_GE(t, line, 16);
	return line;
}

/* The 16-byte MSI-X table entry of @vq's vector (pci_test.h: the PCI code's table). */
static void *vq_msix_entry(struct virtqueue *vq)
{
	struct virtio_pci_vq_info *info = vq->priv;

	return to_vp_device(vq->vdev)->pci_dev->irqs->vec[info->msix_vector].msix_entry;
}

static void kstat_snapshot(unsigned int line, unsigned long *counts)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		counts[cpu] = kstat_irqs_cpu(line, cpu);
}

static unsigned long kstat_sum(const unsigned long *counts)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		sum += counts[cpu];
	return sum;
}

/* Line @line fired at least once on @cpu since @before, and on no other CPU. */
static void expect_only_on(struct ktest *t, unsigned int line, unsigned int cpu,
			   const unsigned long *before)
{
	unsigned int c;

	synchronize_irq(line); /* the handler's CPU counts it on the way out */
	for_each_online_cpu(c) {
		if (c == cpu)
			EXPECT_GE(t, kstat_irqs_cpu(line, c), before[c] + 1);
		else
			EXPECT_EQ(t, kstat_irqs_cpu(line, c), before[c]);
	}
}

/* The highest online CPU: another one than 0 whenever there are two. */
static unsigned int last_online_cpu(void)
{
	unsigned int cpu, last = 0;

	for_each_online_cpu(cpu)
		last = cpu;
	return last;
}

/* A CPU that is not online: a possible one left out, else one past the possible ones. */
static unsigned int an_offline_cpu(void)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (!cpu_online(cpu))
			return cpu;
	return NR_CPUS;
}

TEST_CASE(virtio_irq_test_set_affinity_delivers_the_queue_vector_to_each_cpu)
{
	struct virtio_device *dev = net_dev(t, true);
	unsigned long before[NR_CPUS];
	struct virtqueue *cvq;
	unsigned int cpu;
	int line;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	cvq = ((struct tnet *)dev->priv)->vq[2];
	line = vq_line(t, cvq);
	EXPECT_EQ(t, irq_get_affinity(line), 0); /* every vector starts on CPU 0 */
	for_each_online_cpu(cpu) {
		EXPECT_EQ(t, virtqueue_set_affinity(cvq, cpu), 0);
		EXPECT_EQ(t, irq_get_affinity(line), (int)cpu);
		kstat_snapshot(line, before);
		EXPECT_EQ(t, tnet_promisc(t, dev, cpu & 1), VIRTIO_NET_OK);
		expect_only_on(t, line, cpu, before);
	}
	/* -1: back where it started, and it still arrives there. */
	EXPECT_EQ(t, virtqueue_set_affinity(cvq, -1), 0);
	EXPECT_EQ(t, irq_get_affinity(line), 0);
	kstat_snapshot(line, before);
	EXPECT_EQ(t, tnet_promisc(t, dev, 0), VIRTIO_NET_OK);
	expect_only_on(t, line, 0, before);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_irq_test_irq_set_affinity_writes_the_apic_id_into_the_msix_entry)
{
	struct virtio_device *dev = net_dev(t, true);
	unsigned int cpu = last_online_cpu();
	struct pci_irq_vec *vec;
	struct virtqueue *cvq;
	u32 addr, data, ctrl;
	char *ent;
	int line;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	cvq = ((struct tnet *)dev->priv)->vq[2];
	line = vq_line(t, cvq);
	ent = vq_msix_entry(cvq);
	vec = container_of(irq_get_msi_desc(line), struct pci_irq_vec, msi);
	ASSERT_EQ(t, irq_set_affinity(line, cpu), 0);
	addr = ioread32(ent + offsetof(struct pci_msix_table_entry, msg_addr_lo));
	data = ioread32(ent + offsetof(struct pci_msix_table_entry, msg_data));
	ctrl = ioread32(ent + offsetof(struct pci_msix_table_entry, vector_ctrl));
	/* SDM 11.11.1: 0xFEE, the APIC ID in 19-12, physical mode; data: the line's vector. */
	EXPECT_EQ(t, addr & ~MSI_ADDR_DEST_ID_MASK, MSI_ADDR_BASE_LO);
	EXPECT_EQ(t, (addr & MSI_ADDR_DEST_ID_MASK) >> MSI_ADDR_DEST_ID_SHIFT,
		  (u32)cpu_physical_id(cpu));
	EXPECT_EQ(t, data, (u32)(IRQ_VECTOR_BASE + line));
	EXPECT_EQ(t, ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT, 0); /* live before, live after */
	EXPECT_EQ(t, vec->msi.msg.address_lo, addr);	     /* the cached copy agrees */
	EXPECT_EQ(t, vec->msi.irq, (unsigned int)line);
	EXPECT_EQ(t, irq_set_affinity(line, 0), 0);
	addr = ioread32(ent + offsetof(struct pci_msix_table_entry, msg_addr_lo));
	EXPECT_EQ(t, (addr & MSI_ADDR_DEST_ID_MASK) >> MSI_ADDR_DEST_ID_SHIFT,
		  (u32)cpu_physical_id(0));
	unregister_virtio_driver(&tnet_driver);
}

/* The monitor's `interrupts` shows a moved vector's chip and CPU beside its name. */
TEST_CASE(virtio_irq_test_interrupts_shows_the_cpu_a_vector_is_routed_to)
{
	struct virtio_device *dev = net_dev(t, true);
	unsigned int cpu = last_online_cpu();
	struct virtqueue *cvq;
	char want[64];
	u64 mark;
	int line;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	cvq = ((struct tnet *)dev->priv)->vq[2];
	line = vq_line(t, cvq);
	ASSERT_EQ(t, virtqueue_set_affinity(cvq, cpu), 0);
	snprintf(want, sizeof(want), "PCI-MSI CPU%-2u %s-ctrl\n", cpu, dev->name);
	mark = log_seq();
	EXPECT_EQ(t, exec("interrupts"), 0);
	EXPECT_TRUE(t, log_contains(mark, want));
	EXPECT_EQ(t, virtqueue_set_affinity(cvq, -1), 0);
	EXPECT_EQ(t, irq_get_affinity(line), 0);
	unregister_virtio_driver(&tnet_driver);
}

/* Send a PROMISC command on @n's control queue without waiting for the answer. */
static struct test_net_ctrl *ctrl_send(struct ktest *t, struct tnet *n)
{
	struct test_net_ctrl *c = kmalloc(sizeof(*c), GFP_KERNEL);
	struct scatterlist hdr, data, ack, *sgs[] = { &hdr, &data, &ack };

	ASSERT_NOT_NULL(t, c);
	*c = (struct test_net_ctrl){ VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, 0, 0xff };
	sg_init_one(&hdr, &c->class, 2);
	sg_init_one(&data, &c->on, 1);
	sg_init_one(&ack, &c->ack, 1);
	reinit_completion(&n->done);
	if (virtqueue_add_sgs(n->vq[2], sgs, 2, 1, c, GFP_KERNEL)) {
		kfree(c);
		ASSERT_TRUE(t, false);
	}
	virtqueue_kick(n->vq[2]);
	return c;
}

/*
 * PCI 3.0 6.8.3.5: while the entry is masked the device holds the message
 * as a pending bit and sends it at the unmask, to the address the entry has
 * then: routed elsewhere meanwhile, it lands on the new CPU, none is lost.
 * (With one CPU online the "elsewhere" is CPU 0 again; the rest holds.)
 */
TEST_CASE(virtio_irq_test_interrupt_pending_while_masked_arrives_on_the_new_cpu)
{
	struct virtio_device *dev = net_dev(t, true);
	unsigned int cpu = last_online_cpu();
	unsigned long before[NR_CPUS];
	struct test_net_ctrl *c;
	unsigned int len = 0;
	struct tnet *n;
	void *ctrl;
	int line;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	n = dev->priv;
	line = vq_line(t, n->vq[2]);
	ctrl = (char *)vq_msix_entry(n->vq[2]) + offsetof(struct pci_msix_table_entry, vector_ctrl);
	kstat_snapshot(line, before);
	iowrite32(PCI_MSIX_ENTRY_CTRL_MASKBIT, ctrl); /* the driver's mask, done by hand */
	c = ctrl_send(t, n);
	EXPECT_FALSE(t, wait_for_completion_timeout(&n->done, msecs_to_jiffies(50)));
	EXPECT_EQ(t, kstat_irqs(line), kstat_sum(before)); /* held back in the device */
	EXPECT_EQ(t, irq_set_affinity(line, cpu), 0);
	EXPECT_NE(t, ioread32(ctrl) & PCI_MSIX_ENTRY_CTRL_MASKBIT, 0); /* masked it stays */
	iowrite32(0, ctrl);
	EXPECT_TRUE(t, wait_for_completion_timeout(&n->done, msecs_to_jiffies(WAIT_MS)));
	expect_only_on(t, line, cpu, before);
	EXPECT_EQ(t, virtqueue_get_buf(n->vq[2], &len), (void *)c);
	EXPECT_EQ(t, c->ack, VIRTIO_NET_OK);
	kfree(c);
	EXPECT_EQ(t, irq_set_affinity(line, 0), 0);
	unregister_virtio_driver(&tnet_driver);
}

TEST_CASE(virtio_irq_test_set_affinity_refuses_offline_cpus_shared_vectors_and_unowned_lines)
{
	struct virtio_device *modern = net_dev(t, true), *legacy = net_dev(t, false);
	unsigned int off = an_offline_cpu();
	struct virtqueue *cvq;
	struct msi_msg msg;
	struct tnet *n;
	int line;

	need_msix(t);
	register_or_abort(t, &tnet_driver);
	cvq = ((struct tnet *)modern->priv)->vq[2];
	line = vq_line(t, cvq);
	EXPECT_EQ(t, virtqueue_set_affinity(cvq, off), -EINVAL);
	EXPECT_EQ(t, irq_set_affinity(line, off), -EINVAL);
	EXPECT_EQ(t, virtqueue_set_affinity(cvq, -2), -EINVAL);
	EXPECT_EQ(t, irq_get_affinity(line), 0); /* refused: not moved */
	/* vectors=2: every queue shares vector 1; moving it would move them all. */
	n = legacy->priv;
	ASSERT_TRUE(t, to_vp_device(legacy)->shared_irq);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, virtqueue_set_affinity(n->vq[i], 0), -EINVAL);
	/* A reserved line no device holds the message of yet: nothing to rewrite. */
	line = msi_irq_alloc(&msg);
	ASSERT_GE(t, line, 16);
	EXPECT_EQ(t, irq_set_affinity(line, 0), -EINVAL);
	msi_irq_free(line);
	unregister_virtio_driver(&tnet_driver);
}

static const struct ktest_case virtio_irq_cases[] = {
	KTEST(virtio_irq_test_msix_vector_per_queue),
	KTEST(virtio_irq_test_msix_vector_shared_by_the_queues),
	KTEST(virtio_irq_test_intx_when_msix_is_off),
	KTEST(virtio_irq_test_queues_without_callback_get_no_vector),
	KTEST(virtio_irq_test_set_affinity_delivers_the_queue_vector_to_each_cpu),
	KTEST(virtio_irq_test_irq_set_affinity_writes_the_apic_id_into_the_msix_entry),
	KTEST(virtio_irq_test_interrupts_shows_the_cpu_a_vector_is_routed_to),
	KTEST(virtio_irq_test_interrupt_pending_while_masked_arrives_on_the_new_cpu),
	KTEST(virtio_irq_test_set_affinity_refuses_offline_cpus_shared_vectors_and_unowned_lines),
	{}
};
TEST_SUITE_INIT(virtio_irq, virtio_irq_cases, virtio_suite_init, virtio_suite_exit);
