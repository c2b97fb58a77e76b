package org.attention4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.attention4j.api.registry.ProviderDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plugins}: every provider found, with status and reason. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = "List every provider (scorers, normalizers, layers, kernels, scenarios) with its status and why.")
final class PluginsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--json", description = "Print a JSON list instead of a table.")
  boolean json;

  @Override public Integer call() {
    List<ProviderDescriptor> all = common.component().registry().descriptors();
    if (json) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (ProviderDescriptor d : all) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", d.kind().json());
        m.put("id", d.id());
        m.put("version", d.version());
        m.put("module", d.module());
        m.put("origin", d.origin());
        m.put("status", d.status().json());
        m.put("reason", d.reason());
        out.add(m);
      }
      System.out.println(Json.write(out));
    } else {
      String fmt = "%-10s %-20s %-9s %-10s %-26s %s%n";
      System.out.printf(fmt, "KIND", "ID", "VERSION", "STATUS", "MODULE", "ORIGIN / REASON");
      for (ProviderDescriptor d : all) {
        System.out.printf(fmt, d.kind().json(), d.id(), d.version(), d.status().json(), d.module(),
            d.origin() + (d.status() == ProviderDescriptor.Status.ACTIVE ? "" : " — " + d.reason()));
      }
    }
    return 0;
  }
}
