package org.attention4j.graph;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Zachary's karate club (W. W. Zachary, "An information flow model for conflict and fission in
 * small groups", Journal of Anthropological Research 33(4):452–473, 1977): 34 members, 78
 * friendships, and the two factions after the split (0 = Mr. Hi's, 1 = the Officer's). The edge
 * list and faction labels are a resource of this module, as distributed with NetworkX's
 * {@code karate_club_graph} (its {@code club} attribute). Features are the identity (one-hot node id).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class KarateClub {
  /** The number of members. */
  public static final int NODES = 34;
  /** The number of friendships. */
  public static final int EDGES = 78;

  private KarateClub() {}

  /** The graph, identity features [34, 34] and the faction of every member. */
  public static GraphData load() {
    List<int[]> edges = new ArrayList<>();
    int[] labels = null;
    try (InputStream in = KarateClub.class.getResourceAsStream("karate.txt")) {
      if (in == null) throw new IllegalStateException("karate.txt: expected a resource of org.attention4j.graph, got none");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) continue;
        if (line.startsWith("factions")) {
          String[] f = line.substring("factions".length()).strip().split("\\s+");
          labels = new int[f.length];
          for (int i = 0; i < f.length; i++) labels[i] = Integer.parseInt(f[i]);
        } else {
          String[] f = line.split("\\s+");
          edges.add(new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("karate.txt: " + e.getMessage(), e);
    }
    if (labels == null || labels.length != NODES || edges.size() != EDGES) {
      throw new IllegalStateException("karate.txt: expected " + NODES + " factions and " + EDGES + " edges, got "
          + (labels == null ? 0 : labels.length) + " and " + edges.size());
    }
    int[] src = new int[EDGES], dst = new int[EDGES];
    for (int e = 0; e < EDGES; e++) {
      src[e] = edges.get(e)[0];
      dst[e] = edges.get(e)[1];
    }
    float[] features = new float[NODES * NODES];
    for (int i = 0; i < NODES; i++) features[i * NODES + i] = 1f;
    return new GraphData("karate", NODES, src, dst, features, NODES, labels, 2);
  }

  /**
   * Labels with the {@code perFaction} best-connected members of each faction kept (most
   * friendships first, ties to the lower id) and every other member {@link NodeClassifier#UNLABELLED}.
   */
  public static int[] hubs(GraphData club, int perFaction) {
    int n = club.nodes();
    int[] degree = new int[n];
    for (int e = 0; e < club.src().length; e++) {
      degree[club.src()[e]]++;
      degree[club.dst()[e]]++;
    }
    int[] labels = new int[n];
    java.util.Arrays.fill(labels, NodeClassifier.UNLABELLED);
    for (int c = 0; c < club.classes(); c++) {
      final int cls = c;
      java.util.stream.IntStream.range(0, n).filter(i -> club.labels()[i] == cls).boxed()
          .sorted((a, b) -> degree[a] != degree[b] ? Integer.compare(degree[b], degree[a]) : Integer.compare(a, b))
          .limit(perFaction).forEach(i -> labels[i] = cls);
    }
    return labels;
  }
}
