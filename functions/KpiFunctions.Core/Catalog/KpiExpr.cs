using System.Globalization;

namespace KpiFunctions.Core.Catalog;

/// <summary>
/// A KPI formula over base measures. Division is null-safe: a zero denominator gives null, never 0 or NaN
/// (the semantics of DAX <c>DIVIDE</c>), and a null operand makes the result null with the operand's reason.
/// </summary>
public abstract record KpiExpr
{
    private protected KpiExpr()
    {
    }

    /// <summary>A base measure over the group.</summary>
    public static KpiExpr M(string measureId) => new MeasureRef(measureId, false);

    /// <summary>A base measure over the month to date ending at the group's last day.</summary>
    public static KpiExpr Mtd(string measureId) => new MeasureRef(measureId, true);

    /// <summary>A constant.</summary>
    public static KpiExpr C(decimal value) => new Constant(value);

    /// <summary>Sum.</summary>
    public static KpiExpr operator +(KpiExpr left, KpiExpr right) => new Binary('+', left, right);

    /// <summary>Difference.</summary>
    public static KpiExpr operator -(KpiExpr left, KpiExpr right) => new Binary('-', left, right);

    /// <summary>Product.</summary>
    public static KpiExpr operator *(KpiExpr left, KpiExpr right) => new Binary('*', left, right);

    /// <summary>Null-safe quotient.</summary>
    public static KpiExpr operator /(KpiExpr left, KpiExpr right) => new Binary('/', left, right);

    /// <summary>Evaluates the formula.</summary>
    public abstract MeasureValue Evaluate(IMeasureResolver resolver);

    /// <summary>The formula as text, e.g. <c>gmv / gmv_orders</c>.</summary>
    public abstract string ToFormula();

    /// <summary>Every base measure the formula reads.</summary>
    public abstract IEnumerable<(string MeasureId, bool MonthToDate)> References();

    /// <summary>Named operator for languages without operator overloading.</summary>
    public static KpiExpr Add(KpiExpr left, KpiExpr right) => left + right;

    /// <summary>Named operator for languages without operator overloading.</summary>
    public static KpiExpr Subtract(KpiExpr left, KpiExpr right) => left - right;

    /// <summary>Named operator for languages without operator overloading.</summary>
    public static KpiExpr Multiply(KpiExpr left, KpiExpr right) => left * right;

    /// <summary>Named operator for languages without operator overloading.</summary>
    public static KpiExpr Divide(KpiExpr left, KpiExpr right) => left / right;

    private protected virtual int Precedence => 3;

    /// <summary>A base measure, whole group or month to date.</summary>
    public sealed record MeasureRef(string MeasureId, bool MonthToDate) : KpiExpr
    {
        /// <inheritdoc />
        public override MeasureValue Evaluate(IMeasureResolver resolver)
        {
            ArgumentNullException.ThrowIfNull(resolver);
            return resolver.Resolve(MeasureId, MonthToDate);
        }

        /// <inheritdoc />
        public override string ToFormula() => MonthToDate ? $"mtd({MeasureId})" : MeasureId;

        /// <inheritdoc />
        public override IEnumerable<(string MeasureId, bool MonthToDate)> References()
        {
            yield return (MeasureId, MonthToDate);
        }
    }

    /// <summary>A constant.</summary>
    public sealed record Constant(decimal Value) : KpiExpr
    {
        /// <inheritdoc />
        public override MeasureValue Evaluate(IMeasureResolver resolver) => MeasureValue.Of(Value);

        /// <inheritdoc />
        public override string ToFormula() => Value.ToString(CultureInfo.InvariantCulture);

        /// <inheritdoc />
        public override IEnumerable<(string MeasureId, bool MonthToDate)> References() => [];
    }

    /// <summary>Two operands and an operator: + - * /.</summary>
    public sealed record Binary(char Operator, KpiExpr Left, KpiExpr Right) : KpiExpr
    {
        private protected override int Precedence => Operator is '+' or '-' ? 1 : 2;

        /// <inheritdoc />
        public override MeasureValue Evaluate(IMeasureResolver resolver)
        {
            var left = Left.Evaluate(resolver);
            if (left.Value is not { } l)
            {
                return left;
            }

            var right = Right.Evaluate(resolver);
            if (right.Value is not { } r)
            {
                return right;
            }

            return Operator switch
            {
                '+' => MeasureValue.Of(l + r),
                '-' => MeasureValue.Of(l - r),
                '*' => MeasureValue.Of(l * r),
                '/' => r == 0m ? MeasureValue.Null($"{Right.ToFormula()} is zero") : MeasureValue.Of(l / r),
                _ => throw new NotSupportedException($"Operator '{Operator}' is not supported in KPI formulas."),
            };
        }

        /// <inheritdoc />
        public override string ToFormula()
        {
            var left = Left.Precedence < Precedence ? $"({Left.ToFormula()})" : Left.ToFormula();
            // Right operands of - and / need brackets at equal precedence too: a - (b - c).
            var right = Right.Precedence < Precedence || (Right.Precedence == Precedence && Operator is '-' or '/')
                ? $"({Right.ToFormula()})"
                : Right.ToFormula();
            return $"{left} {Operator} {right}";
        }

        /// <inheritdoc />
        public override IEnumerable<(string MeasureId, bool MonthToDate)> References() =>
            Left.References().Concat(Right.References());
    }
}
