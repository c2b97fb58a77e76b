package org.attention4j.cli;

/** Entry point of {@code ./attention4j}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(0);
  }
}
