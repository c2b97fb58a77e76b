package org.attention4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
  @Test void constant() {
    LearningRateSchedule s = LearningRateSchedule.constant(0.1);
    assertEquals(0.1, s.at(0));
    assertEquals(0.1, s.at(1_000_000));
  }

  @Test void cosineGoesFromPeakToFloorThenStays() {
    LearningRateSchedule s = LearningRateSchedule.cosine(1, 100, 0.1);
    assertEquals(1, s.at(0), 0);
    assertEquals(0.55, s.at(50), 1e-15);
    assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.at(25), 1e-15);
    assertEquals(0.1, s.at(100), 1e-15);
    assertEquals(0.1, s.at(500), 1e-15);
  }

  @Test void stepDecays() {
    LearningRateSchedule s = LearningRateSchedule.step(1, 10, 0.5);
    assertEquals(1, s.at(9));
    assertEquals(0.5, s.at(10));
    assertEquals(0.25, s.at(29));
  }

  @Test void warmupIsLinearThenShiftsTheSchedule() {
    LearningRateSchedule s = LearningRateSchedule.cosine(1, 10, 0).withWarmup(4);
    assertEquals(0.25, s.at(0));
    assertEquals(0.5, s.at(1));
    assertEquals(1, s.at(3));
    assertEquals(1, s.at(4), "the cosine starts after the warm-up");
    assertEquals(0, s.at(14), 1e-15);
    LearningRateSchedule none = LearningRateSchedule.constant(0.3);
    assertEquals(none, none.withWarmup(0));
  }

  @Test void badArgumentsAreNamed() {
    assertEquals("learningRate: expected a finite number >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1)).getMessage());
    assertEquals("totalSteps: expected an integer >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(1, 0, 0)).getMessage());
    assertEquals("floor: expected a finite number in [0, peak = 1.0], got 2.0",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(1, 10, 2)).getMessage());
    assertEquals("gamma: expected a finite number > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(1, 10, 0)).getMessage());
    assertEquals("warmupSteps: expected an integer >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(1).withWarmup(-1)).getMessage());
  }
}
