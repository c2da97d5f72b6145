"""Platform adapters: one module per social-media platform behind the `PlatformAdapter`
interface in `platforms.base`. No Django models; use `platforms.registry.get_adapter`."""
