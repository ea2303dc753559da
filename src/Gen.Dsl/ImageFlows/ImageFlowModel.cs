using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="ImageFlowSpec"/>: a TorchSharp module whose forward pass is the log-density of a batch of
/// images. Modules (state-dict names): <c>steps.{i}</c>, one per step of the spec (squeezes and factor-outs hold no
/// weights), and <c>base</c>, the standard normal over C·H·W dimensions.
/// </summary>
/// <remarks>
/// The whole flow is one bijector from pixel space to vectors of D = C·H·W numbers (<see cref="DataToBase(torch.Tensor?)"/>): the
/// preprocessing map, then the steps, where each factor-out sets half its channels aside as the first entries of the
/// vector and passes the rest on. So log p(x) = log N(f(x); 0, I) + log|det ∂f/∂x| scores every factored-out part under
/// the standard normal base, with the log-determinants of every scale and of the preprocessing.
/// </remarks>
public sealed class ImageFlowModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IDensityModel
{
    private const string Node = "image_flow";
    private readonly ModuleList<BijectorModule> steps;
    private readonly DistributionModule baseModule;
    private readonly StepShape[] shapes;

    internal ImageFlowModel(ImageFlowSpec spec) : base("image_flow")
    {
        Spec = spec;
        shapes = spec.Shapes();
        steps = new ModuleList<BijectorModule>(spec.Steps.Select((step, i) => step.Compile(shapes[i])).ToArray());
        baseModule = new StandardNormalSpec(checked((int)spec.Dimensions)).Compile();
        register_module("steps", steps);
        register_module("base", baseModule);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public ImageFlowSpec Spec { get; }

    /// <summary>
    /// The flow's bijector from pixel space (events [C, H, W]) to the base's space (vectors of C·H·W), built from the
    /// current parameters: preprocessing, steps, factor-outs.
    /// </summary>
    /// <exception cref="GenShapeException">The flow is conditional (use <see cref="DataToBase(torch.Tensor?)"/>).</exception>
    public IBijector DataToBase() => DataToBase(null);

    /// <summary>
    /// The flow's bijector given a context of shape B ++ [K] (null for an unconditional flow): it maps images whose batch
    /// dimensions broadcast with B. Every step gets the same context; the steps without a network ignore it.
    /// </summary>
    /// <exception cref="GenShapeException">The context is missing for a conditional flow, given to an unconditional one, or of the wrong width.</exception>
    /// <exception cref="ArgumentException">The context has another dtype or device than the model.</exception>
    public IBijector DataToBase(torch.Tensor? context)
    {
        var reference = Reference;
        CheckContext(context);
        var parts = new List<IBijector>();
        if (Spec.Preprocessing.Bijector(reference) is { } preprocessing)
        {
            parts.Add(preprocessing);
        }

        parts.Add(From(0, context));
        return BijectorExtensions.Chain(parts);
    }

    /// <summary>The flow as a distribution over images [C, H, W], built from the current parameters.</summary>
    /// <exception cref="GenShapeException">The flow is conditional (use <see cref="Distribution(torch.Tensor?)"/>).</exception>
    public IDistribution Distribution() => Distribution(null);

    /// <summary>
    /// The flow given a context of shape B ++ [K] as a distribution over images [C, H, W], built from the current
    /// parameters; null for an unconditional flow. Its batch shape is [] (the base is shared); a context with rows
    /// scores or draws images whose batch dimensions are B.
    /// </summary>
    /// <exception cref="GenShapeException">The context is missing for a conditional flow, given to an unconditional one, or of the wrong width.</exception>
    public IDistribution Distribution(torch.Tensor? context) =>
        new Gen.Probability.Distributions.TransformedDistribution(baseModule.Build(), DataToBase(context).Inverted());

    /// <summary>
    /// log p(x) in nats for images [batch, C, H, W] (any number of batch dimensions); returns [batch]. With
    /// preprocessing, x is in pixel space [0, K) (dequantised pixels, see <see cref="LogProbDequantized(torch.Tensor, torch.Tensor?, torch.Generator?)"/>) and p is a
    /// density there.
    /// </summary>
    /// <exception cref="GenShapeException">The images have another shape, or the flow is conditional.</exception>
    /// <exception cref="ArgumentException">Another dtype or device than the model's, or (with a logit preprocessing and <see cref="CheckValues"/>) a value where it is not defined.</exception>
    public torch.Tensor LogProb(torch.Tensor x) => LogProb(x, null);

    /// <summary>
    /// log p(x | c) in nats for images x [batch, C, H, W] and a context c [batch, K] (one row per image) or [K] (the
    /// same for all); returns [batch]. A null context is the unconditional <see cref="LogProb(torch.Tensor)"/>.
    /// </summary>
    /// <exception cref="GenShapeException">The images have another shape; the context is missing, unexpected, of the wrong width, or has another number of rows than the images.</exception>
    /// <exception cref="ArgumentException">The images or the context have another dtype or device than the model, or (with a logit preprocessing and <see cref="CheckValues"/>) an image value lies where it is not defined.</exception>
    public torch.Tensor LogProb(torch.Tensor x, torch.Tensor? context)
    {
        CheckInput(x, Spec.Preprocessing.Domain, "values");
        return LogProbChecked(x, context);
    }

    // log p(x | c) for images whose shape, placement and values have been checked.
    private torch.Tensor LogProbChecked(torch.Tensor x, torch.Tensor? context)
    {
        CheckContextRows(context, x.shape[..^3], "images", x.shape);
        using var scope = torch.NewDisposeScope();
        var z = DataToBase(context).ForwardAndLogDet(x);
        return (baseModule.Build().LogProb(z.Value) + z.LogDet).MoveToOuterDisposeScope();
    }

    /// <summary>The same as <see cref="LogProb(torch.Tensor)"/>.</summary>
    public override torch.Tensor forward(torch.Tensor input) => LogProb(input);

    /// <summary>
    /// log p(x + u) with uniform dequantisation noise u ~ U[0, 1)^D, for integer pixel values x in 0 … K − 1 (as
    /// floats): an unbiased estimate of a lower bound on log P(x) of the discrete data (Theis et al. 2016). Needs a
    /// preprocessing with K levels.
    /// </summary>
    /// <param name="pixels">Integer pixel values [batch, C, H, W], in the model's dtype and on its device.</param>
    /// <param name="generator">A seeded generator for the noise; the device's global generator when null.</param>
    /// <exception cref="InvalidOperationException">The flow has no preprocessing, so it has no pixel levels.</exception>
    public torch.Tensor LogProbDequantized(torch.Tensor pixels, torch.Generator? generator = null) => LogProbDequantized(pixels, null, generator);

    /// <summary>
    /// log p(x + u | c) with uniform dequantisation noise, as <see cref="LogProbDequantized(torch.Tensor, torch.Generator?)"/>,
    /// given a context [batch, K] or [K] (null for an unconditional flow).
    /// </summary>
    /// <param name="pixels">Integer pixel values [batch, C, H, W], in the model's dtype and on its device.</param>
    /// <param name="context">The context, as for <see cref="LogProb(torch.Tensor, torch.Tensor?)"/>.</param>
    /// <param name="generator">A seeded generator for the noise; the device's global generator when null.</param>
    /// <exception cref="InvalidOperationException">The flow has no preprocessing, so it has no pixel levels.</exception>
    public torch.Tensor LogProbDequantized(torch.Tensor pixels, torch.Tensor? context, torch.Generator? generator = null)
    {
        if (Spec.Preprocessing.Kind == ImagePreprocessingKind.None)
        {
            throw new InvalidOperationException($"{Node}: dequantisation needs pixel levels; give the flow a preprocessing (ImagePreprocessing.Logit or Centred).");
        }

        CheckInput(pixels, (0, Spec.Preprocessing.Levels - 1), "integer pixel values");
        using var scope = torch.NewDisposeScope();
        var noise = DeviceRandom.Uniform(pixels.shape, pixels.dtype, pixels.device, generator);
        return LogProbChecked(pixels + noise, context).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bits per dimension, −log p/(D·ln 2), of log-densities from <see cref="LogProb(torch.Tensor)"/> (elementwise). For a density in
    /// pixel space [0, K)^D of dequantised data it bounds the discrete model's bits per dimension; the uniform density
    /// scores log₂ K (8 for 8-bit data).
    /// </summary>
    /// <param name="logProb">log p in nats, any shape.</param>
    public torch.Tensor BitsPerDim(torch.Tensor logProb)
    {
        ArgumentNullException.ThrowIfNull(logProb);
        return logProb / (-Spec.Dimensions * Math.Log(2));
    }

    /// <summary>
    /// Draws <paramref name="count"/> images [count, C, H, W] (no gradient): base samples mapped back through the flow.
    /// With preprocessing they are continuous values in pixel space (about [0, K); floor and clamp them for discrete pixels).
    /// </summary>
    /// <param name="count">Number of images.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="GenShapeException">The flow is conditional.</exception>
    public torch.Tensor Sample(long count, torch.Generator? generator = null) => Sample(count, null, generator);

    /// <summary>
    /// Draws <paramref name="count"/> images [count, C, H, W] given a context (no gradient): the context is [K] (the
    /// same for every image) or [count, K] (one row per image); null for an unconditional flow.
    /// </summary>
    /// <param name="count">Number of images.</param>
    /// <param name="context">The context.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="GenShapeException">The context is missing, unexpected, of the wrong width, or has another number of rows than <paramref name="count"/>.</exception>
    public torch.Tensor Sample(long count, torch.Tensor? context, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.sample");
        CheckContextRows(context, new[] { count }, "sample count", new[] { count });
        using var scope = torch.NewDisposeScope();
        return Distribution(context).Sample(new[] { count }, generator).MoveToOuterDisposeScope();
    }

    private torch.Tensor Reference => parameters().FirstOrDefault() ?? buffers().First(b => b.is_floating_point());

    // The steps from index i on, with every factor-out nesting the steps after it as its rest.
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
        parts.Add(new Reshape(last, new[] { last.Aggregate(1L, (a, b) => a * b) }));
        return BijectorExtensions.Chain(parts);
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
                $"{Node}.log_prob: with its preprocessing ({Spec.Preprocessing}) the flow takes {what} in [{Show(range.Low)}, {Show(range.High)}], but the images hold values from {Show(x.min().ToDouble())} to {Show(x.max().ToDouble())}; give integer pixel values 0 … {Spec.Preprocessing.Levels - 1} (LogProbDequantized adds the noise), or compile the flow for the data's number of levels.",
                nameof(x));
        }
    }

    private const string ContextNode = Node + ".context";
    private const string ContextDeclaration = "ImageFlowSpec.WithContext";

    private void CheckContext(torch.Tensor? context) =>
        ModelInput.CheckContext(context, Spec.ContextFeatures, ContextNode, ContextDeclaration, () => Reference);

    // A context is one row for all ([K]) or one row per image or sample (rows ++ [K]).
    private void CheckContextRows(torch.Tensor? context, long[] rows, string what, long[] shown) =>
        ModelInput.CheckContextRows(context, Spec.ContextFeatures, rows, what, shown, ContextNode, ContextDeclaration, () => Reference);
}
