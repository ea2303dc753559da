using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled flow: a TorchSharp module (so <c>parameters()</c>, optimizers, <c>to()</c>, <c>train()</c>/<c>eval()</c> and
/// <c>state_dict()</c> work as usual) whose forward pass is the log-density of a batch.
/// </summary>
public sealed class FlowModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IDifferentiableSampler, ITrainingDiagnostics, IDensityModel
{
    // The share of a spline step's inputs outside its bound above which training is warned: there the spline is the
    // identity, and a flow whose data lie mostly in its tails learns little there.
    private const double TailShareWarned = 0.01;

    private readonly DistributionModule baseModule;
    private readonly ModuleList<BijectorModule> steps;

    internal FlowModel(FlowSpec spec, DistributionModule baseModule, BijectorModule[] steps) : base("flow")
    {
        Spec = spec;
        this.baseModule = baseModule;
        this.steps = new ModuleList<BijectorModule>(steps);
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
    /// The flow's steps as one bijector from the base's space to data, built from the current parameters (for law
    /// checks such as <c>Gen.Testing.BijectorLaws</c>, or to map base points by hand).
    /// </summary>
    /// <exception cref="GenShapeException">The flow is conditional (use <see cref="BaseToData(torch.Tensor?)"/>).</exception>
    public IBijector BaseToData() => BaseToData(null);

    /// <summary>The flow's steps given a context of shape B ++ [C] (null for an unconditional flow) as one bijector from the base's space to data.</summary>
    /// <exception cref="GenShapeException">The context is missing for a conditional flow, given to an unconditional one, or of the wrong width.</exception>
    public IBijector BaseToData(torch.Tensor? context)
    {
        CheckContext(context);
        return BijectorExtensions.Chain(steps.Select(s => s.Build(context)));
    }

    /// <summary>log p(x) in nats for a batch of shape [batch, features]; returns shape [batch].</summary>
    /// <exception cref="GenShapeException">x does not have the flow's feature count, or the flow is conditional.</exception>
    /// <exception cref="ArgumentException">x has another dtype or device than the model.</exception>
    public torch.Tensor LogProb(torch.Tensor x) => LogProb(x, null);

    /// <summary>
    /// log p(x | c) in nats for a batch x of shape [batch, features] and a context c of shape [batch, C] (one row per
    /// data row) or [C] (the same for all); returns shape [batch]. A null context is the unconditional <see cref="LogProb(torch.Tensor)"/>.
    /// </summary>
    /// <exception cref="GenShapeException">x does not have the flow's feature count; the context is missing, unexpected, of the wrong width or of another batch size than x.</exception>
    /// <exception cref="ArgumentException">x or the context has another dtype or device than the model.</exception>
    public torch.Tensor LogProb(torch.Tensor x, torch.Tensor? context)
    {
        CheckInput(x);
        CheckRows(context, x.shape[..^1], "data", x.shape);
        using var scope = torch.NewDisposeScope();
        return Distribution(context).LogProb(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input) => LogProb(input);

    /// <summary>Draws <paramref name="count"/> samples (no gradient), shape [count, features].</summary>
    /// <exception cref="GenShapeException">The flow is conditional.</exception>
    public torch.Tensor Sample(long count, torch.Generator? generator = null) => Sample(count, null, generator);

    /// <summary>
    /// Draws <paramref name="count"/> samples given a context (no gradient), shape [count, features]: the context is
    /// [C] (the same for every sample) or [count, C] (one row per sample); null for an unconditional flow.
    /// </summary>
    /// <exception cref="GenShapeException">The context is missing, unexpected, of the wrong width, or has another number of rows than <paramref name="count"/>.</exception>
    public torch.Tensor Sample(long count, torch.Tensor? context, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, "flow.sample");
        using var scope = torch.NewDisposeScope();
        var draw = Draws(count, context);
        using var frozen = MaskedWeights.Freeze(); // MAF layers sample in one pass per feature with fixed weights
        return draw.Distribution.Sample(draw.SampleShape, generator).MoveToOuterDisposeScope();
    }

    /// <summary>The shape of one sample, [features].</summary>
    public IReadOnlyList<long> SampleShape => new[] { Spec.Features };

    /// <summary>Draws <paramref name="count"/> reparameterised samples [count, features], differentiable with respect to the flow's parameters.</summary>
    public torch.Tensor RSample(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, "flow.rsample");
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
        ModelInput.CheckCount(count, "flow.sample_and_log_prob");
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

    private void CheckInput(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, new[] { Spec.Features }, "flow.log_prob");
        ModelInput.CheckPlacement(x, Reference, "flow.log_prob", "the data", nameof(x));
    }

    private const string ContextNode = "flow.context";
    private const string ContextDeclaration = "FlowSpec.WithContext";

    private void CheckContext(torch.Tensor? context) =>
        ModelInput.CheckContext(context, Spec.ContextFeatures, ContextNode, ContextDeclaration, () => Reference);

    // A context is one row for all ([C]) or one row per data row or sample (rows ++ [C]).
    private void CheckRows(torch.Tensor? context, long[] rows, string what, long[] shown) =>
        ModelInput.CheckContextRows(context, Spec.ContextFeatures, rows, what, shown, ContextNode, ContextDeclaration, () => Reference);

    private torch.Tensor Reference => parameters().FirstOrDefault() ?? buffers().First();

    /// <summary>
    /// For each spline step (a coupling or autoregressive step over <see cref="SplineMap"/>), the share of the values
    /// that reach it from <paramref name="x"/> in the density direction and lie outside [−bound, bound], where the spline
    /// is the identity, and the largest |value|; computed in evaluation mode (no statistics move). For an unconditional
    /// flow; a conditional one gives none.
    /// </summary>
    /// <param name="x">Data [batch, features].</param>
    public IReadOnlyList<SplineTail> SplineTails(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Spec.ContextFeatures > 0 || !Spec.Steps.Any(s => BoundOf(s) is not null))
        {
            return Array.Empty<SplineTail>();
        }

        CheckInput(x);
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var tails = new List<SplineTail>();
            var value = x;
            for (int i = steps.Count - 1; i >= 0; i--)
            {
                if (BoundOf(Spec.Steps[i]) is double bound)
                {
                    var magnitude = value.abs();
                    tails.Add(new SplineTail($"flow.steps[{i}]", bound, magnitude.gt(bound).to_type(torch.float64).mean().item<double>(), magnitude.max().to_type(torch.float64).item<double>()));
                }

                value = steps[i].Build(null).InverseAndLogDet(value).Value;
            }

            tails.Reverse();
            return tails;
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
