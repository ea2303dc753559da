using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability;

/// <summary>
/// Base class for distributions: shapes, the validation switch and the derived members. Subclasses supply
/// <see cref="LogProb"/> and either <see cref="RSample"/> (reparameterised families) or <see cref="SampleCore"/>.
/// </summary>
public abstract class Distribution : IDistribution
{
    private static volatile bool validate = true;

    // Set inside an AssumeValid scope on this thread: the caller has checked what the distributions are given.
    [ThreadStatic]
    private static bool assumingValid;

    // Set inside a MaskOutsideSupport scope on this thread: values outside a support score -∞ instead of raising.
    [ThreadStatic]
    private static bool maskingSupport;

    /// <summary>Creates a distribution with the given batch and event shapes.</summary>
    protected Distribution(long[] batchShape, long[] eventShape)
    {
        BatchShape = batchShape ?? throw new ArgumentNullException(nameof(batchShape));
        EventShape = eventShape ?? throw new ArgumentNullException(nameof(eventShape));
    }

    /// <summary>
    /// The validation switch (on by default). When on, invalid parameters (a negative scale, probabilities
    /// outside [0, 1]) and values outside the support raise <see cref="ArgumentException"/> naming the
    /// distribution, the parameter and the offending value. When off, nothing is checked (no device
    /// synchronisation) and values outside the support get log-density -∞. See also <see cref="AssumeValid"/>.
    /// </summary>
    public static bool Validate
    {
        get => validate;
        set => validate = value;
    }

    /// <summary>
    /// Opens a scope, on the calling thread only, in which distributions take their parameters and the values given
    /// to <see cref="LogProb"/> as already checked by the caller: nothing is checked, nothing is read back from the
    /// device and no support mask is applied, whatever <see cref="Validate"/> says. For code that validates its data
    /// once per call itself (Gen's models do, in one reduction and one read-back) and would otherwise have every
    /// distribution it builds check the same values again. A value outside the support gets an unspecified
    /// log-density inside the scope. Dispose the result to end the scope; scopes nest.
    /// </summary>
    /// <returns>The scope; disposing it restores the state it found.</returns>
    public static IDisposable AssumeValid()
    {
        var previous = assumingValid;
        assumingValid = true;
        return new ValidityScope(previous);
    }

    /// <summary>
    /// Opens a scope, on the calling thread only, in which a value outside a distribution's support gets log-density
    /// -∞ even when <see cref="Validate"/> is on, instead of raising. For a distribution built from others that scores
    /// a value under each of them, such as a mixture, whose own support is the union of theirs: a value may lie
    /// outside one component's support and still be valid for the whole. Dispose the result to end the scope.
    /// </summary>
    internal static IDisposable MaskOutsideSupport()
    {
        var previous = maskingSupport;
        maskingSupport = true;
        return new MaskingScope(previous);
    }

    /// <summary>Whether an <see cref="AssumeValid"/> scope is open on this thread (then nothing is checked or masked).</summary>
    protected static bool AssumingValid => assumingValid;

    /// <inheritdoc/>
    public long[] BatchShape { get; }

    /// <inheritdoc/>
    public long[] EventShape { get; }

    /// <inheritdoc/>
    public abstract bool IsReparameterized { get; }

    /// <summary>A short name used in messages, such as <c>Normal</c>.</summary>
    protected virtual string Name => GetType().Name;

    /// <inheritdoc/>
    public virtual torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var sample = IsReparameterized ? RSample(sampleShape, generator).detach() : SampleCore(sampleShape, generator);
        return sample.MoveToOuterDisposeScope(); // only the result reaches the caller's scope
    }

    /// <inheritdoc/>
    public virtual torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) =>
        throw new NotSupportedException($"{Name} is not reparameterisable: its samples carry no pathwise gradient. Use Sample, a score-function estimator, or a relaxed distribution.");

    /// <inheritdoc/>
    public abstract torch.Tensor LogProb(torch.Tensor value);

    /// <inheritdoc/>
    public virtual Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var x = IsReparameterized ? RSample(sampleShape, generator) : Sample(sampleShape, generator);
        var lp = LogProb(x);
        return new Sampled(x.MoveToOuterDisposeScope(), lp.MoveToOuterDisposeScope());
    }

    /// <summary>Non-reparameterised sampling, for families without <see cref="RSample"/>.</summary>
    protected virtual torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator) =>
        throw new NotSupportedException($"{Name} does not implement sampling.");

    /// <summary>sampleShape ++ BatchShape ++ EventShape.</summary>
    protected long[] ExtendedShape(long[] sampleShape) => sampleShape.Concat(BatchShape).Concat(EventShape).ToArray();

    /// <summary>Checks a parameter when validation is on: every element must satisfy <paramref name="ok"/>.</summary>
    /// <exception cref="ArgumentException">Some element does not; the message names the parameter and the first bad value.</exception>
    protected void CheckParameter(torch.Tensor parameter, string name, Func<torch.Tensor, torch.Tensor> ok, string requirement)
    {
        if (!Validate || assumingValid)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var good = ok(parameter);
        if (!good.all().item<bool>())
        {
            var bad = parameter.masked_select(good.logical_not()).flatten()[0].to(torch.float64).item<double>();
            throw new ArgumentException($"{Name}: parameter '{name}' must be {requirement}, got {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", name);
        }
    }

    /// <summary>
    /// Applies the support: where <paramref name="inSupport"/> is false the log-density becomes -∞; when validation
    /// is on, a value outside the support raises instead; inside an <see cref="AssumeValid"/> scope,
    /// <paramref name="logProb"/> is returned as it is.
    /// </summary>
    protected torch.Tensor MaskSupport(torch.Tensor logProb, torch.Tensor value, torch.Tensor inSupport, string support)
    {
        if (assumingValid)
        {
            return logProb;
        }

        if (Validate && !maskingSupport)
        {
            using var noGrad = torch.no_grad();
            if (!inSupport.all().item<bool>())
            {
                // The value and the support mask broadcast against each other (a scalar value scored under a batch of
                // supports, or a batch of values under one support): name the first bad value of their common shape.
                var both = torch.broadcast_tensors(value, inSupport.logical_not());
                var bad = both[0].masked_select(both[1]).flatten()[0].to(torch.float64).item<double>();
                throw new ArgumentException($"{Name}: value {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)} lies outside the support {support}.", nameof(value));
            }

            return logProb;
        }

        return logProb.masked_fill(inSupport.logical_not(), double.NegativeInfinity);
    }

    /// <summary>Sums the last <paramref name="dims"/> dimensions (used to reduce elementwise terms over an event).</summary>
    protected static torch.Tensor SumRightmost(torch.Tensor t, int dims) => Reduce.SumRightmost(t, dims);

    private sealed class ValidityScope(bool previous) : IDisposable
    {
        public void Dispose() => assumingValid = previous;
    }

    private sealed class MaskingScope(bool previous) : IDisposable
    {
        public void Dispose() => maskingSupport = previous;
    }
}
