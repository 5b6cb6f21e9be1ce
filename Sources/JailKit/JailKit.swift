// JailKit: the WireGuard config model, the kill switch and the jail lifecycle.
