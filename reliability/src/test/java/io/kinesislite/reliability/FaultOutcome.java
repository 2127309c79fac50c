package io.kinesislite.reliability;

import java.time.Duration;

/**
 * What one injected disk fault came to: the fault, records acknowledged and lost (acknowledged but
 * not readable after recovery), records sent twice, records the campaign itself destroyed (the
 * frames it damaged on purpose), how long recovery took once the fault cleared, and the error the
 * fault produced, as a user would read it. Immutable.
 */
record FaultOutcome(
    String fault,
    long acknowledged,
    long lost,
    long duplicates,
    long destroyed,
    Duration recovery,
    String error) {}
