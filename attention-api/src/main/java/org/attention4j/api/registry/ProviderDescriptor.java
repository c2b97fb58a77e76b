package org.attention4j.api.registry;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * One line of the registry's listing.
 *
 * @param kind what it provides
 * @param id its id (for a jar that failed to load: the jar's file name)
 * @param version the provider's version
 * @param module its JPMS module name, or {@code unnamed} on the class path
 * @param origin {@code module-path}, {@code class-path} or {@code plugin:<dir>}
 * @param status {@code active}, {@code available} (a usable kernel provider not chosen) or {@code rejected}
 * @param reason one line: why it has this status
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ProviderDescriptor(ProviderKind kind, String id, String version, String module, String origin,
    Status status, String reason) {
  /** Status of a provider in the registry. */
  public enum Status {
    ACTIVE, AVAILABLE, REJECTED;

    public String json() { return name().toLowerCase(java.util.Locale.ROOT); }
  }

  ProviderDescriptor with(Status s, String why) { return new ProviderDescriptor(kind, id, version, module, origin, s, why); }

  @Override public String toString() {
    return "ProviderDescriptor[kind=" + kind.json() + ", id=" + id + ", version=" + version + ", module=" + module
        + ", origin=" + origin + ", status=" + status.json() + ", reason=" + reason + "]";
  }
}
