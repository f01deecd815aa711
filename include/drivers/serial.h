/*
 * SPDX-License-Identifier: MIT
 * drivers/serial.h - the 16550 UART on COM1, the kernel's console.
 *
 * Output is polled: serial_putc() waits until the transmit register is
 * empty, so early boot and panic can print with no interrupts.
 * Input is interrupt driven once serial_enable_rx() has run: IRQ 4 moves
 * received bytes into a 1 KiB ring, and serial_getc() sleeps until one is
 * there.  A full ring drops the byte and counts it (rx_dropped).
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <kernel/types.h>

struct task_struct;

struct serial_stats {
	unsigned long tx_bytes;
	unsigned long rx_bytes;
	unsigned long rx_dropped;  /* ring full */
	unsigned long rx_overruns; /* the UART lost bytes (LSR.OE) */
	unsigned long rx_errors;   /* parity/framing/break (LSR.PE/FE/BI) */
};
extern struct serial_stats serial_stats;

/* Program COM1 for 115200 8N1, FIFOs off (serial.c says why).  Context: boot, before printk. */
void serial_init(void);
/* Context: any (polled).  Takes the port lock for the byte. */
void serial_putc(char c);
/*
 * serial_console_write - @len bytes out, each "\n" as "\r\n", with the port
 * lock held throughout: no other CPU's output lands inside them (3.10's
 * serial8250_console_write).  Context: any (polled, interrupts off meanwhile).
 */
void serial_console_write(const char *s, size_t len);
/* Take IRQ 4 for input.  Returns 0 or the request_irq error. */
int serial_enable_rx(void);
/* Next input byte; sleeps until there is one.  Context: thread. */
int serial_getc(void);
/* Next input byte or -1 at once.  Context: any. */
int serial_trygetc(void);
/*
 * serial_set_foreground - while @t is set, a Ctrl-C (0x03) received is not
 * queued as input but sent to @t as SIGINT (send_sig), and echoed as a
 * "^C" line at once (printk_echo), as a terminal does for its foreground
 * process; NULL makes 0x03 an input byte again.  The monitor sets itself
 * while it runs a command.  Context: thread.
 */
void serial_set_foreground(struct task_struct *t);
/* Put bytes into the input ring as if received (for the monitor tests). Returns bytes accepted.
 * They bypass the Ctrl-C rule above. */
size_t serial_inject_input(const char *s, size_t len);
/*
 * serial_rx_set_aside - give the input ring to a test that injects its own
 * input: what is queued (typed ahead, or piped) is moved aside, and so is
 * every byte received until serial_rx_put_back().  Returns 0, or -EBUSY
 * if the input is already set aside.  Context: thread.
 */
int serial_rx_set_aside(void);
/*
 * serial_rx_put_back - end serial_rx_set_aside(): drop what the test left
 * unread in the ring and queue the input set aside, in the order received.
 * Context: thread.
 */
void serial_rx_put_back(void);

#endif
