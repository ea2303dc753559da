using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="FlowSpec"/> over events of any shape: a TorchSharp module (so <c>parameters()</c>, optimizers,
/// <c>to()</c>, <c>train()</c>/<c>eval()</c> and <c>state_dict()</c> work as usual) whose forward pass is the
/// log-density of a batch. Modules (state-dict names): <c>base</c>, the base distribution, and <c>steps.{i}</c>, one per
/// step of the spec (squeezes and factor-outs hold no weights).
/// </summary>
/// <remarks>
/// The whole flow is one bijector from the data to the base's space (<see cref="DataToBase(torch.Tensor?)"/>): the
/// preprocessing map, then the steps in the density direction. In a flow listed data to base each factor-out sets half
/// its channels aside as the first entries of the base's vector and passes the rest on, so
/// log p(x) = log p_base(f(x)) + log|det ∂f/∂x| scores every factored-out part under the base, with the
/// log-determinants of every scale and of the preprocessing.
/// </remarks>
public sealed class FlowModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IDifferentiableSampler, ITrainingDiagnostics, IDensityModel
{
    private const string Node = "flow";

    // The share of a spline step's inputs outside its bound above which training is warned: there the spline is the
    // identity, and a flow whose data lie mostly in its tails learns little there.
    private const double TailShareWarned = 0.01;

    private readonly DistributionModule baseModule;
    private readonly ModuleList<BijectorModule> steps;
    private readonly StepShape[] shapes;

    internal FlowModel(FlowSpec spec, DistributionModule baseModule, BijectorModule[] steps, StepShape[] shapes) : base("flow")
    {
        Spec = spec;
        this.baseModule = baseModule;
        this.steps = new ModuleList<BijectorModule>(steps);
        this.shapes = shapes;
        register_module("base", baseModule);
        register_module("steps", this.steps);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public FlowSpec Spec { get; }

    /// <summary>The flow as a distribution built from the current parameters.</summary>
    /// <exception cref="GenShapeException">The flow is conditional (use <see cref="Distribution(torch.Tensor?)"/>).</exception>
    public IDistribution Distribution() => Distribution(null);

    /// <summary>
    /// The flow given a context, as a distribution built from the current parameters: for a context of shape
    /// B ++ [C] its batch shape is B (one distribution per context row; a single context [C] gives batch shape []).
    /// Null is the unconditional flow; every step and the base get the same context, so both are one code path.
    /// </summary>
    /// <exception cref="GenShapeException">The context is missing for a conditional flow, given to an unconditional one, or of the wrong width.</exception>
    public IDistribution Distribution(torch.Tensor? context) =>
        new Gen.Probability.Distributions.TransformedDistribution(baseModule.Build(context), BaseToData(context));

    /// <summary>
    /// The flow as one bijector from the base's space to data, built from the current parameters (for law checks such
    /// as <c>Gen.Testing.BijectorLaws</c>, or to map base points by hand).
    /// </summary>
    /// <exception cref="GenShapeException">The flow is conditional (use <see cref="BaseToData(torch.Tensor?)"/>).</exception>
    public IBijector BaseToData() => BaseToData(null);

    /// <summary>The flow given a context of shape B ++ [C] (null for an unconditional flow) as one bijector from the base's space to data.</summary>
    /// <exception cref="GenShapeException">The context is missing for a conditional flow, given to an unconditional one, or of the wrong width.</exception>
    /// <exception cref="ArgumentException">The context has another dtype or device than the model.</exception>
    public IBijector BaseToData(torch.Tensor? context)
    {
        CheckContext(context);
        if (Spec.Direction == FlowDirection.DataToBase)
        {
            return DataToBase(context).Inverted();
        }

        var chain = Listed(context);
        return Preprocessing() is { } preprocessing ? chain.Then(preprocessing.Inverted()) : chain;
    }

    /// <summary>
    /// The flow as one bijector from data to the base's space, built from the current parameters: the preprocessing,
    /// then the steps in the density direction (with a flow listed data to base, its factor-outs).
    /// </summary>
    /// <exception cref="GenShapeException">The flow is conditional (use <see cref="DataToBase(torch.Tensor?)"/>).</exception>
    public IBijector DataToBase() => DataToBase(null);

    /// <summary>
    /// The flow given a context of shape B ++ [C] (null for an unconditional flow) as one bijector from data to the
    /// base's space: it maps events whose batch dimensions broadcast with B. Every step gets the same context; the steps
    /// without a network ignore it.
    /// </summary>
    /// <exception cref="GenShapeException">The context is missing for a conditional flow, given to an unconditional one, or of the wrong width.</exception>
    /// <exception cref="ArgumentException">The context has another dtype or device than the model.</exception>
    public IBijector DataToBase(torch.Tensor? context)
    {
        CheckContext(context);
        if (Spec.Direction == FlowDirection.BaseToData)
        {
            return BaseToData(context).Inverted();
        }

        var chain = Listed(context);
        return Preprocessing() is { } preprocessing ? preprocessing.Then(chain) : chain;
    }

    // The steps as one bijector in the direction they are listed (data to base: from the first step on, ending in the
    // base's vector).
    private IBijector Listed(torch.Tensor? context) =>
        Spec.Direction == FlowDirection.BaseToData ? BijectorExtensions.Chain(steps.Select(s => s.Build(context))) : From(0, context);

    // The steps of a flow listed data to base from index i on, with every factor-out nesting the steps after it as its
    // rest; the last events are flattened to the base's vector.
    private IBijector From(int i, torch.Tensor? context)
    {
        var parts = new List<IBijector>();
        for (; i < steps.Count; i++)
        {
            if (Spec.Steps[i] is FactorOutSpec)
            {
                parts.Add(new FactorOut(shapes[i].Event.ToArray(), From(i + 1, context)));
                return BijectorExtensions.Chain(parts);
            }

            parts.Add(steps[i].Build(context));
        }

        var last = shapes[^1].Event.ToArray();
        if (last.Length > 1)
        {
            parts.Add(new Reshape(last, new[] { last.Aggregate(1L, (a, b) => a * b) }));
        }

        return BijectorExtensions.Chain(parts);
    }

    // The preprocessing as a bijector over the data's events, in the model's dtype and on its device; null for none
    // (without looking for the model's dtype, which walks its parameters, on every call of a flow that has none).
    private IBijector? Preprocessing() =>
        Spec.Preprocessing.Kind == ImagePreprocessingKind.None ? null : Spec.Preprocessing.Bijector(Reference, Spec.EventShape.Length);

    /// <summary>
    /// log p(x) in nats for a batch of shape [batch, ...event] (any number of batch dimensions); returns [batch]. With
    /// preprocessing, x is in pixel space [0, K) (dequantised pixels, see <see cref="LogProbDequantized(torch.Tensor, torch.Tensor?, torch.Generator?)"/>)
    /// and p is a density there.
    /// </summary>
    /// <exception cref="GenShapeException">x does not have the flow's event shape, or the flow is conditional.</exception>
    /// <exception cref="ArgumentException">x has another dtype or device than the model, or (with a logit preprocessing and <see cref="CheckValues"/>) a value where it is not defined.</exception>
    public torch.Tensor LogProb(torch.Tensor x) => LogProb(x, null);

    /// <summary>
    /// log p(x | c) in nats for a batch x of shape [batch, ...event] and a context c of shape [batch, C] (one row per
    /// data row) or [C] (the same for all); returns shape [batch]. A null context is the unconditional <see cref="LogProb(torch.Tensor)"/>.
    /// </summary>
    /// <exception cref="GenShapeException">x does not have the flow's event shape; the context is missing, unexpected, of the wrong width or of another batch size than x.</exception>
    /// <exception cref="ArgumentException">x or the context has another dtype or device than the model, or (with a logit preprocessing and <see cref="CheckValues"/>) a value of x lies where it is not defined.</exception>
    public torch.Tensor LogProb(torch.Tensor x, torch.Tensor? context)
    {
        CheckInput(x, Spec.Preprocessing.Domain, "values");
        return LogProbChecked(x, context);
    }

    // log p(x | c) for data whose shape, placement and values have been checked.
    private torch.Tensor LogProbChecked(torch.Tensor x, torch.Tensor? context)
    {
        CheckRows(context, x.shape[..^Spec.EventShape.Length], "data", x.shape);
        using var scope = torch.NewDisposeScope();
        return Distribution(context).LogProb(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input) => LogProb(input);

    /// <summary>
    /// log p(x + u) with uniform dequantisation noise u ~ U[0, 1)^D, for integer pixel values x in 0 … K − 1 (as
    /// floats): an unbiased estimate of a lower bound on log P(x) of the discrete data (Theis et al. 2016). Needs a
    /// preprocessing with K levels.
    /// </summary>
    /// <param name="pixels">Integer pixel values [batch, ...event], in the model's dtype and on its device.</param>
    /// <param name="generator">A seeded generator for the noise; the device's global generator when null.</param>
    /// <exception cref="InvalidOperationException">The flow has no preprocessing, so it has no pixel levels.</exception>
    public torch.Tensor LogProbDequantized(torch.Tensor pixels, torch.Generator? generator = null) => LogProbDequantized(pixels, null, generator);

    /// <summary>
    /// log p(x + u | c) with uniform dequantisation noise, as <see cref="LogProbDequantized(torch.Tensor, torch.Generator?)"/>,
    /// given a context [batch, C] or [C] (null for an unconditional flow).
    /// </summary>
    /// <param name="pixels">Integer pixel values [batch, ...event], in the model's dtype and on its device.</param>
    /// <param name="context">The context, as for <see cref="LogProb(torch.Tensor, torch.Tensor?)"/>.</param>
    /// <param name="generator">A seeded generator for the noise; the device's global generator when null.</param>
    /// <exception cref="InvalidOperationException">The flow has no preprocessing, so it has no pixel levels.</exception>
    public torch.Tensor LogProbDequantized(torch.Tensor pixels, torch.Tensor? context, torch.Generator? generator = null)
    {
        if (Spec.Preprocessing.Kind == ImagePreprocessingKind.None)
        {
            throw new InvalidOperationException($"{Node}: dequantisation needs pixel levels; give the flow a preprocessing (WithPreprocessing(ImagePreprocessing.Logit or Centred)).");
        }

        CheckInput(pixels, (0, Spec.Preprocessing.Levels - 1), "integer pixel values");
        using var scope = torch.NewDisposeScope();
        var noise = DeviceRandom.Uniform(pixels.shape, pixels.dtype, pixels.device, generator);
        return LogProbChecked(pixels + noise, context).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bits per dimension, −log p/(D·ln 2), of log-densities from <see cref="LogProb(torch.Tensor)"/> (elementwise), D
    /// the numbers per event. For a density in pixel space [0, K)^D of dequantised data it bounds the discrete model's
    /// bits per dimension; the uniform density scores log₂ K (8 for 8-bit data).
    /// </summary>
    /// <param name="logProb">log p in nats, any shape.</param>
    public torch.Tensor BitsPerDim(torch.Tensor logProb)
    {
        ArgumentNullException.ThrowIfNull(logProb);
        return logProb / (-Spec.Features * Math.Log(2));
    }

    /// <summary>
    /// Draws <paramref name="count"/> samples [count, ...event] (no gradient). With preprocessing they are continuous
    /// values in pixel space (about [0, K); floor and clamp them for discrete pixels).
    /// </summary>
    /// <param name="count">Number of samples.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="GenShapeException">The flow is conditional.</exception>
    public torch.Tensor Sample(long count, torch.Generator? generator = null) => Sample(count, null, generator);

    /// <summary>
    /// Draws <paramref name="count"/> samples given a context (no gradient), shape [count, ...event]: the context is
    /// [C] (the same for every sample) or [count, C] (one row per sample); null for an unconditional flow.
    /// </summary>
    /// <exception cref="GenShapeException">The context is missing, unexpected, of the wrong width, or has another number of rows than <paramref name="count"/>.</exception>
    public torch.Tensor Sample(long count, torch.Tensor? context, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.sample");
        using var scope = torch.NewDisposeScope();
        var draw = Draws(count, context);
        using var frozen = MaskedWeights.Freeze(); // MAF layers sample in one pass per feature with fixed weights
        return draw.Distribution.Sample(draw.SampleShape, generator).MoveToOuterDisposeScope();
    }

    /// <summary>The shape of one sample, the event shape.</summary>
    public IReadOnlyList<long> SampleShape => Spec.EventShape;

    /// <summary>Draws <paramref name="count"/> reparameterised samples [count, ...event], differentiable with respect to the flow's parameters.</summary>
    public torch.Tensor RSample(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.rsample");
        using var scope = torch.NewDisposeScope();
        return Distribution().RSample(new[] { count }, generator).MoveToOuterDisposeScope();
    }

    /// <summary>Draws reparameterised samples and their log-density in one forward pass.</summary>
    /// <exception cref="GenShapeException">The flow is conditional.</exception>
    public Sampled SampleAndLogProb(long count, torch.Generator? generator = null) => SampleAndLogProb(count, null, generator);

    /// <summary>
    /// Draws reparameterised samples given a context and their log-density log p(x | c) in one forward pass; the
    /// context is as for <see cref="Sample(long, torch.Tensor?, torch.Generator?)"/>.
    /// </summary>
    /// <exception cref="GenShapeException">The context is missing, unexpected, of the wrong width, or has another number of rows than <paramref name="count"/>.</exception>
    public Sampled SampleAndLogProb(long count, torch.Tensor? context, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.sample_and_log_prob");
        using var scope = torch.NewDisposeScope();
        var draw = Draws(count, context);
        var s = draw.Distribution.SampleAndLogProb(draw.SampleShape, generator);
        return new Sampled(s.Value.MoveToOuterDisposeScope(), s.LogProb.MoveToOuterDisposeScope());
    }

    // With no context or a single one the distribution has batch shape [] and is drawn count times; with one context
    // row per sample it has batch shape [count] and is drawn once.
    private (IDistribution Distribution, long[] SampleShape) Draws(long count, torch.Tensor? context)
    {
        CheckRows(context, new[] { count }, "sample count", new[] { count });
        return (Distribution(context), context is null || context.dim() == 1 ? new[] { count } : Array.Empty<long>());
    }

    /// <summary>
    /// Whether <see cref="LogProb(torch.Tensor, torch.Tensor?)"/> checks that every value lies where a logit
    /// preprocessing is defined (pixel space [0, K], widened by αK/(1 − 2α) on each side), and
    /// <see cref="LogProbDequantized(torch.Tensor, torch.Tensor?, torch.Generator?)"/> that every pixel lies in
    /// 0 … K − 1 (default true). Outside, the logit gives NaN, and a first batch that initialises the activation
    /// normalisations from NaN would spoil the model for good. The check reads one flag back from the device per call;
    /// turn it off in a training loop over data already checked.
    /// </summary>
    public bool CheckValues { get; set; } = true;

    // Shape and placement always; with CheckValues, values within the range given (the preprocessing's domain for
    // LogProb, the integer pixels 0 … K − 1 for LogProbDequantized; a range of all reals is not read).
    private void CheckInput(torch.Tensor x, (double Low, double High) range, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, Spec.EventShape, $"{Node}.log_prob");
        ModelInput.CheckPlacement(x, Reference, $"{Node}.log_prob", "the data", nameof(x));
        if (!CheckValues || (double.IsNegativeInfinity(range.Low) && double.IsPositiveInfinity(range.High)))
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        if (!x.ge(range.Low).logical_and(x.le(range.High)).all().item<bool>())
        {
            string Show(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
            throw new ArgumentException(
                $"{Node}.log_prob: with its preprocessing ({Spec.Preprocessing}) the flow takes {what} in [{Show(range.Low)}, {Show(range.High)}], but the data hold values from {Show(x.min().ToDouble())} to {Show(x.max().ToDouble())}; give integer pixel values 0 … {Spec.Preprocessing.Levels - 1} (LogProbDequantized adds the noise), or compile the flow for the data's number of levels.",
                nameof(x));
        }
    }

    private const string ContextNode = Node + ".context";
    private const string ContextDeclaration = "FlowSpec.WithContext";

    private void CheckContext(torch.Tensor? context) =>
        ModelInput.CheckContext(context, Spec.ContextFeatures, ContextNode, ContextDeclaration, () => Reference);

    // A context is one row for all ([C]) or one row per data row or sample (rows ++ [C]).
    private void CheckRows(torch.Tensor? context, long[] rows, string what, long[] shown) =>
        ModelInput.CheckContextRows(context, Spec.ContextFeatures, rows, what, shown, ContextNode, ContextDeclaration, () => Reference);

    private torch.Tensor Reference => parameters().FirstOrDefault() ?? buffers().First(b => b.is_floating_point());

    /// <summary>
    /// For each spline step (a coupling or autoregressive step over <see cref="SplineMap"/>), the share of the values
    /// that reach it from <paramref name="x"/> in the density direction and lie outside [−bound, bound], where the spline
    /// is the identity, and the largest |value|; computed in evaluation mode (no statistics move). For an unconditional
    /// flow; a conditional one gives none.
    /// </summary>
    /// <param name="x">Data [batch, ...event].</param>
    public IReadOnlyList<SplineTail> SplineTails(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Spec.ContextFeatures > 0 || !Spec.Steps.Any(s => BoundOf(s) is not null))
        {
            return Array.Empty<SplineTail>();
        }

        CheckInput(x, Spec.Preprocessing.Domain, "values");
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var tails = new List<SplineTail>();
            var value = Preprocessing() is { } preprocessing ? preprocessing.ForwardAndLogDet(x).Value : x;
            bool listedFromData = Spec.Direction == FlowDirection.DataToBase;
            foreach (int i in listedFromData ? Enumerable.Range(0, steps.Count) : Enumerable.Range(0, steps.Count).Reverse())
            {
                if (BoundOf(Spec.Steps[i]) is double bound)
                {
                    var magnitude = value.abs();
                    tails.Add(new SplineTail($"{Node}.steps[{i}]", bound, magnitude.gt(bound).to_type(torch.float64).mean().item<double>(), magnitude.max().to_type(torch.float64).item<double>()));
                }

                var step = steps[i].Build(null);
                value = Spec.Steps[i] is FactorOutSpec ? value.narrow(-3, 0, shapes[i + 1].Event[0])
                    : listedFromData ? step.ForwardAndLogDet(value).Value : step.InverseAndLogDet(value).Value;
            }

            return listedFromData ? tails : Enumerable.Reverse(tails).ToArray();
        }
        finally
        {
            train(wasTraining);
        }
    }

    /// <summary>Warns of spline steps that would see more than 1 % of the batch's values outside their bound.</summary>
    IReadOnlyList<string> ITrainingDiagnostics.Diagnose(torch.Tensor batch) =>
        SplineTails(batch).Where(t => t.OutsideShare > TailShareWarned)
            .Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{t.Step}: {100 * t.OutsideShare:F1} % of the values reaching this spline step lie outside [-{t.Bound}, {t.Bound}] (the largest is {t.LargestMagnitude:G4}), where the spline is the identity; standardise the data, or give the spline a wider bound (Univariate.Spline(bins, bound: {Math.Ceiling(t.LargestMagnitude)}))."))
            .ToArray();

    // The bound of a step's spline, or null for a step without one.
    private static double? BoundOf(BijSpec step) => step switch
    {
        CouplingSpec { Map: SplineMap spline } => spline.Bound,
        MaskedAutoregressiveSpec { Map: SplineMap spline } => spline.Bound,
        _ => null,
    };
}
