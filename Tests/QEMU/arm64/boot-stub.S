// Starts a Linux arm64 Image the way a bootloader does (Documentation/arm64/booting.rst): x0 = the devicetree's
// physical address, x1-x3 = 0, then jump to the Image. QEMU starts the CPU here (-device loader,addr=,cpu-num=0)
// after loading the Image, the DTB and the initrd with -device loader. DTB and KERNEL come from --defsym.
	.text
	.globl	_start
_start:
	ldr	x0, dtb
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	ldr	x4, kernel
	br	x4

	.balign	8
dtb:	.quad	DTB
kernel:	.quad	KERNEL
