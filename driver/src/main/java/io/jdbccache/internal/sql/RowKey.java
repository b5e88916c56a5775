package io.jdbccache.internal.sql;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;

/**
 * A top-level {@code AND} conjunct {@code column = ?} or {@code column = <integer>} of a statement on one table
 * without subqueries: if the column is the table's integer primary key, the statement reads (or changes) at most
 * that one row, which lets a write by key invalidate only the reads of that key.
 *
 * @param column         the column as written (maybe quoted); the caller compares it with the primary key
 * @param parameterIndex the JDBC index of the parameter holding the key, or 0 when it is a literal
 * @param literal        the literal key when {@code parameterIndex} is 0
 */
public record RowKey(String column, int parameterIndex, long literal) {

    /** The first conjunct of {@code where} that is an equality of a column of {@code table} with a key value. */
    static RowKey find(Expression where, Table table) {
        if (table.getAlias() != null && table.getAlias().getAliasColumns() != null
                && !table.getAlias().getAliasColumns().isEmpty()) {
            // FROM products AS t(price, name, id): the names in the WHERE are the alias's, and "id" may be another
            // column than the key.
            return null;
        }
        List<Expression> conjuncts = new ArrayList<>();
        collectConjuncts(where, conjuncts);
        for (Expression conjunct : conjuncts) {
            if (!(conjunct instanceof EqualsTo)) {
                continue;
            }
            EqualsTo equals = (EqualsTo) conjunct;
            RowKey key = of(equals.getLeftExpression(), equals.getRightExpression(), table);
            if (key == null) {
                key = of(equals.getRightExpression(), equals.getLeftExpression(), table);
            }
            if (key != null) {
                return key;
            }
        }
        return null;
    }

    private static void collectConjuncts(Expression expression, List<Expression> out) {
        if (expression instanceof AndExpression) {
            collectConjuncts(((AndExpression) expression).getLeftExpression(), out);
            collectConjuncts(((AndExpression) expression).getRightExpression(), out);
        } else if (expression != null) {
            out.add(expression);
        }
    }

    private static RowKey of(Expression side, Expression value, Table table) {
        if (!(side instanceof Column)) {
            return null;
        }
        Column column = (Column) side;
        Table qualifier = column.getTable();
        if (qualifier != null && qualifier.getName() != null && !qualifier.getName().equals(table.getName())
                && (table.getAlias() == null || !qualifier.getName().equals(table.getAlias().getName()))) {
            return null;
        }
        if (value instanceof JdbcParameter) {
            Integer index = ((JdbcParameter) value).getIndex();
            return index == null ? null : new RowKey(column.getColumnName(), index, 0);
        }
        if (value instanceof LongValue) {
            return new RowKey(column.getColumnName(), 0, ((LongValue) value).getValue());
        }
        return null;
    }
}
