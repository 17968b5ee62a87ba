// The options every command that runs scenarios shares, parsed one way; the
// choice itself is checked and opened by workflows/target.ts.
import { PROFILE_NAMES } from '../model/profiles.ts';

export const TARGET_OPTIONS = {
  target: { type: 'string' },
  kernel: { type: 'string' },
  accel: { type: 'string', default: 'auto' },
  profile: { type: 'string' },
} as const;

export const TARGET_USAGE = `  --target host|qemu      where to run (default host: the running kernel; --kernel implies qemu)
  --kernel R|PATH         a recipe name (sendzc-provided-rfc, baseline), a recipe file, or a bzImage/vmlinux
  --accel auto|kvm|tcg    qemu accelerator (default auto: KVM if a probe boot works, else TCG)
  --profile P             model profile: ${PROFILE_NAMES.join(', ')} (default: from the kernel)`;
