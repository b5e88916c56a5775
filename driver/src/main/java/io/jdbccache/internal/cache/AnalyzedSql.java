package io.jdbccache.internal.cache;

import io.jdbccache.internal.result.ColumnInfo;
import io.jdbccache.internal.sql.SqlAnalysis;
import java.util.ArrayList;
import java.util.List;

/**
 * One SQL string as the cache keeps it: its analysis, and what serving it taught, kept so that a repeated statement
 * neither decides nor looks up again: the last read or write plan (each valid only while
 * {@link ReadPlan#appliesTo}/{@link WritePlan#appliesTo} say so), what its code can do (likewise), the result's columns last seen, and its shape's
 * statistics. Shared by every connection of a {@link DatabaseScope}; the memo fields are single volatile slots, so
 * a race merely decides twice.
 */
public final class AnalyzedSql {
    private final SqlAnalysis analysis;
    private final List<AnalyzedSql> parts;
    private volatile ReadPlan readPlan;
    private volatile WritePlan writePlan;
    private volatile CodeVerdict codeVerdict;
    private volatile ColumnInfo[] columns;
    private volatile ShapeStatistics shapeStatistics;

    private AnalyzedSql(SqlAnalysis analysis) {
        this.analysis = analysis;
        if (analysis.parts().isEmpty()) {
            this.parts = List.of();
        } else {
            List<AnalyzedSql> each = new ArrayList<>(analysis.parts().size());
            for (SqlAnalysis part : analysis.parts()) {
                each.add(new AnalyzedSql(part));
            }
            this.parts = List.copyOf(each);
        }
    }

    /** A holder of its own for an analysis not kept by any scope (an unknown statement). */
    public static AnalyzedSql of(SqlAnalysis analysis) {
        return new AnalyzedSql(analysis);
    }

    public SqlAnalysis analysis() {
        return analysis;
    }

    /** The holders of the statements of a string of several, in order; empty for one statement. */
    public List<AnalyzedSql> parts() {
        return parts;
    }

    /** The read plan last decided for this SQL, or null; its user checks it still applies. */
    public ReadPlan readPlan() {
        return readPlan;
    }

    public void readPlan(ReadPlan plan) {
        this.readPlan = plan;
    }

    /** The write plan last decided for this SQL, or null; its user checks it still applies. */
    public WritePlan writePlan() {
        return writePlan;
    }

    public void writePlan(WritePlan plan) {
        this.writePlan = plan;
    }

    /** What this SQL's code was last judged able to do, or null; its user checks it still applies. */
    public CodeVerdict codeVerdict() {
        return codeVerdict;
    }

    public void codeVerdict(CodeVerdict verdict) {
        this.codeVerdict = verdict;
    }

    /** Result columns last seen for this SQL, reused so a miss does not read the metadata again; or null. */
    public ColumnInfo[] columns() {
        return columns;
    }

    public void columns(ColumnInfo[] seen) {
        this.columns = seen;
    }

    /** The statistics of this SQL's shape, linked on first use so the hit path finds them with one read. */
    public ShapeStatistics shapeStatistics() {
        return shapeStatistics;
    }

    public void shapeStatistics(ShapeStatistics stats) {
        this.shapeStatistics = stats;
    }
}
