using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.Text;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A variational autoencoder (Kingma and Welling 2014; Rezende et al. 2014) with amortised inference: the prior
/// p(z) = N(0, I) over <see cref="LatentDimensions"/> dimensions, an encoder network from x to a diagonal-Gaussian
/// posterior q(z|x) = N(μ(x), diag σ(x)²) (σ = softplus + 10⁻⁶), and a decoder network from z to the likelihood
/// p(x|z). The data points are vectors [features] or images [channels, height, width] (<see cref="DataShape"/>); either
/// network is any <see cref="NetworkSpec"/> that maps the shapes (an MLP for both, convolutional encoders and decoders
/// for images), checked layer by layer when it is set. Built with <see cref="Latent.Vae(int, int)"/> or
/// <see cref="Latent.Vae(int, int, int, int)"/>; each <c>With…</c> method returns a checked copy.
/// </summary>
/// <remarks>
/// The training options (<see cref="Beta"/>, <see cref="KlWarmUp"/>, <see cref="FreeBits"/>, <see cref="Objective"/>)
/// change only <see cref="VaeModel.Loss"/>; the bounds the model reports (<see cref="VaeModel.Elbo"/>,
/// <see cref="VaeModel.Iwae"/>, <see cref="VaeModel.LogProb"/>) are always the true ones.
/// </remarks>
public sealed record VaeSpec : IModelSpec<VaeModel>, ISizedSpec
{
    internal VaeSpec(int features, int latent)
        : this(new ValueList<int>(new[] { features }), latent)
    {
    }

    internal VaeSpec(int channels, int height, int width, int latent)
        : this(new ValueList<int>(new[] { channels, height, width }), latent)
    {
    }

    /// <summary>A VAE over events of shape <paramref name="dataShape"/>: [features] or [channels, height, width].</summary>
    internal VaeSpec(ValueList<int> dataShape, int latent)
    {
        DataShape = dataShape;
        LatentDimensions = latent;
        Encoder = Net.Mlp(200, 200);
        Decoder = Net.Mlp(200, 200);
        Likelihood = Gen.Dsl.Likelihood.Bernoulli();
        Objective = LatentObjective.Elbo();
        Kl = KlEstimate.Analytic;
        Beta = 1;
        Check();
    }

    /// <summary>
    /// The shape of one data point: [features] for vectors (<see cref="Latent.Vae(int, int)"/>), or
    /// [channels, height, width] for images (<see cref="Latent.Vae(int, int, int, int)"/>).
    /// </summary>
    public ValueList<int> DataShape { get; private init; }

    /// <summary>Numbers per data point (C·H·W for images).</summary>
    public int Features => DataShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Whether the data points are images [channels, height, width].</summary>
    public bool IsImage => DataShape.Count == 3;

    /// <summary>Latent dimensions.</summary>
    public int LatentDimensions { get; private init; }

    /// <summary>The encoder network: data → the posterior's parameters (an MLP or a convolutional encoder).</summary>
    public NetworkSpec Encoder { get; private init; }

    /// <summary>The decoder network: latent → the likelihood's parameters (an MLP or a convolutional decoder).</summary>
    public NetworkSpec Decoder { get; private init; }

    /// <summary>The encoder's layers with the shape of one data point before and after each.</summary>
    public IReadOnlyList<LayerShape> EncoderLayers => Encoder.Trace("vae.encoder", EventShape, new[] { EncoderOutputs });

    /// <summary>The decoder's layers with the shape of one latent code before and after each.</summary>
    public IReadOnlyList<LayerShape> DecoderLayers => Decoder.Trace("vae.decoder", new long[] { LatentDimensions }, DecodedShape);

    /// <summary>The likelihood p(x|z).</summary>
    public HeadSpec Likelihood { get; private init; }

    /// <summary>The training objective.</summary>
    public LatentObjective Objective { get; private init; }

    /// <summary>How the ELBO's KL term is computed.</summary>
    public KlEstimate Kl { get; private init; }

    /// <summary>The weight on the KL term in training (β-VAE, Higgins et al. 2017); 1 is the ELBO.</summary>
    public double Beta { get; private init; }

    /// <summary>Training steps over which the KL weight rises linearly from 0 to <see cref="Beta"/> (0: no warm-up).</summary>
    public int KlWarmUp { get; private init; }

    /// <summary>
    /// Free bits λ in nats per latent dimension (Kingma et al. 2016): in training, the KL of each latent dimension,
    /// averaged over the batch, counts as at least λ, so the optimiser gains nothing by pushing it below λ (0: off).
    /// </summary>
    public double FreeBits { get; private init; }

    /// <summary>The flow on the posterior (<see cref="PosteriorFlowKind.None"/> for the diagonal Gaussian alone).</summary>
    public PosteriorFlowKind PosteriorFlow { get; private init; }

    /// <summary>The number of flow steps on the posterior (0 without a flow).</summary>
    public int PosteriorFlowSteps { get; private init; }

    /// <summary>The posterior's steps of any kind (<see cref="WithPosteriorSteps"/>); empty for the named kinds.</summary>
    public ValueList<BijSpec> PosteriorSteps { get; private init; } = ValueList<BijSpec>.Empty;

    /// <summary>The width of the context the encoder gives the posterior's steps that are not amortised (<see cref="WithPosteriorSteps"/>; 0 otherwise).</summary>
    public int PosteriorContext { get; private init; }

    /// <summary>A learnt flow prior over the latent code, or null for the standard normal.</summary>
    public FlowSpec? Prior { get; private init; }

    /// <summary>
    /// The same model with a learnt flow prior p(z) (for example a RealNVP or MAF over the latent code, a VampPrior-like
    /// alternative to N(0, I) that lets the aggregate posterior keep its shape). The prior's parameters train with the
    /// rest; the KL term then has no closed form and is estimated by Monte Carlo.
    /// </summary>
    /// <param name="prior">An unconditional flow over latent-dimensional vectors.</param>
    /// <exception cref="GenShapeException">The flow's events are not latent-dimensional vectors, it takes a context, or it has a preprocessing map.</exception>
    public VaeSpec WithPrior(FlowSpec prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        if (prior.EventShape.Length != 1 || prior.Features != LatentDimensions)
        {
            throw new GenShapeException("vae.prior", $"the prior flow is over events {Shape.Format(prior.EventShape)}, but the latent code is [{LatentDimensions}].");
        }

        if (prior.Preprocessing.Kind != ImagePreprocessingKind.None)
        {
            throw new GenShapeException("vae.prior", $"the prior flow maps pixel values ({prior.Preprocessing}); a prior over the latent code takes no preprocessing.");
        }

        if (prior.ContextFeatures != 0)
        {
            throw new GenShapeException("vae.prior", $"the prior flow takes a context of {prior.ContextFeatures} features; a prior over the latent code takes none.");
        }

        return Checked(this with { Prior = prior });
    }

    /// <summary>
    /// The same model with <paramref name="steps"/> flow steps on the posterior: z₀ ~ N(μ(x), diag σ(x)²),
    /// z = f_K ∘ … ∘ f₁(z₀), log q(z|x) = log N(z₀) − Σ log|det ∂fₖ|. Planar and radial steps are amortised, as in Rezende
    /// and Mohamed (2015): the encoder outputs every step's parameters for each x alongside μ and σ. Those outputs start
    /// as the same identity map for every x (zero weights, biases at an identity). Inverse autoregressive steps (Kingma
    /// et al. 2016) are MADEs of the model's own that read the latent code and a context the encoder outputs; their
    /// output layers start at zero. Either way a fresh model's posterior is the diagonal Gaussian, and the KL term has no
    /// closed form and is estimated by Monte Carlo.
    /// </summary>
    /// <param name="kind">Planar, radial or inverse autoregressive (or None, with 0 steps).</param>
    /// <param name="steps">Flow steps K, at least 1 (0 for None).</param>
    public VaeSpec WithPosteriorFlow(PosteriorFlowKind kind, int steps)
    {
        if (kind == PosteriorFlowKind.Steps)
        {
            throw new ArgumentException("vae.posterior_flow: give steps of any kind with WithPosteriorSteps.", nameof(kind));
        }

        return Checked(this with { PosteriorFlow = kind, PosteriorFlowSteps = steps, PosteriorSteps = ValueList<BijSpec>.Empty, PosteriorContext = 0 });
    }

    /// <summary>
    /// The same model with <paramref name="steps"/> of any kind on the posterior, in order from z₀ ~ N(μ(x), diag σ(x)²):
    /// Gen's steps or your own, each an ordinary step conditioned on the encoder. An amortised step
    /// (<see cref="Bij.Amortised"/>, say of a planar step) reads its parameters from a block of the encoder's output of
    /// its own, started at the step's identity; every other step reads one shared context of <paramref name="context"/>
    /// numbers the encoder outputs (a MAF or IAF step sees it as its context, a coupling's network next to the kept
    /// features), and holds its own weights. <c>WithPosteriorFlow(PosteriorFlowKind.Planar, k)</c> is k amortised planar
    /// steps.
    /// </summary>
    /// <param name="steps">The steps (at least one), each keeping the latent code's shape.</param>
    /// <param name="context">The shared context's width, for the steps that are not amortised (0 when all are).</param>
    /// <exception cref="GenShapeException">A step does not fit the latent code or its context; the message names <c>vae.posterior_flow[k]</c>.</exception>
    public VaeSpec WithPosteriorSteps(IEnumerable<BijSpec> steps, int context)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var list = new ValueList<BijSpec>(steps);
        return Checked(this with { PosteriorFlow = PosteriorFlowKind.Steps, PosteriorFlowSteps = list.Count, PosteriorSteps = list, PosteriorContext = context });
    }

    /// <summary>The same model with another encoder network (<see cref="Net.Mlp"/>, or <see cref="Net.ConvEncoder"/> for images).</summary>
    /// <exception cref="GenShapeException">The network cannot map the data to the posterior's parameters; the message names the layer and the shapes.</exception>
    public VaeSpec WithEncoder(NetworkSpec encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return Checked(this with { Encoder = encoder });
    }

    /// <summary>The same model with another decoder network (<see cref="Net.Mlp"/>, or <see cref="Net.ConvDecoder"/> for images).</summary>
    /// <exception cref="GenShapeException">The network cannot map a latent code to the likelihood's parameters; the message names the layer and the shapes.</exception>
    public VaeSpec WithDecoder(NetworkSpec decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return Checked(this with { Decoder = decoder });
    }

    /// <summary>The same model with another likelihood.</summary>
    public VaeSpec WithLikelihood(HeadSpec likelihood)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        return Checked(this with { Likelihood = likelihood });
    }

    /// <summary>The same model trained with another objective.</summary>
    public VaeSpec WithObjective(LatentObjective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return Checked(this with { Objective = objective });
    }

    /// <summary>The same model with another way of computing the ELBO's KL term.</summary>
    public VaeSpec WithKl(KlEstimate kl) => Checked(this with { Kl = kl });

    /// <summary>The same model trained with KL weight <paramref name="beta"/> (β-VAE; finite, 0 or more).</summary>
    public VaeSpec WithBeta(double beta) => Checked(this with { Beta = beta });

    /// <summary>The same model with a linear KL warm-up over <paramref name="steps"/> training steps (0 or more).</summary>
    public VaeSpec WithKlWarmUp(int steps) => Checked(this with { KlWarmUp = steps });

    /// <summary>The same model trained with <paramref name="nats"/> free bits per latent dimension (finite, 0 or more; ELBO objective only).</summary>
    public VaeSpec WithFreeBits(double nats) => Checked(this with { FreeBits = nats });

    /// <summary>
    /// Compiles the spec to a new, independent TorchSharp module on <paramref name="device"/>. With a
    /// <paramref name="seed"/>, the initial weights are the same on every compile (even while other threads compile or draw through Gen; see <see cref="Seed.Building{T}"/>).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    public VaeModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        return SpecCompiler.Compile(() => new VaeModel(this), device, dtype, seed);
    }

    /// <summary>The spec as an indented tree, with the shape of one event through each network layer.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var data = IsImage ? $"{LayerShape.Format(EventShape)} images" : $"{Features} features";
        sb.Append(CultureInfo.InvariantCulture, $"Vae({data}, {LatentDimensions} latent)");
        if (Prior is null)
        {
            sb.AppendLine().Append("  prior: StandardNormal(").Append(LatentDimensions).Append(')');
        }
        else
        {
            sb.AppendLine().Append("  prior: ").Append(Prior.ToString().ReplaceLineEndings(Environment.NewLine + "    "));
        }

        sb.AppendLine().Append("  encoder: ").Append(Encoder).Append(" -> DiagonalNormal(").Append(LatentDimensions).Append(')');
        if (PosteriorFlow != PosteriorFlowKind.None)
        {
            if (PosteriorFlow == PosteriorFlowKind.Steps)
            {
                sb.Append(CultureInfo.InvariantCulture, $" + steps {PosteriorSteps} (context {PosteriorContext})");
            }
            else if (PosteriorFlow == PosteriorFlowKind.InverseAutoregressive)
            {
                sb.Append(CultureInfo.InvariantCulture, $" + {PosteriorFlowSteps} inverse autoregressive steps (MADE {LatentDimensions}-{IafHidden}-{IafHidden}, context {LatentDimensions})");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $" + {PosteriorFlowSteps} amortised {PosteriorFlow.ToString().ToLowerInvariant()} steps");
            }
        }

        AppendLayers(sb, EncoderLayers);
        var events = IsImage ? LayerShape.Format(EventShape) : Features.ToString(CultureInfo.InvariantCulture);
        sb.AppendLine().Append("  decoder: ").Append(Decoder).Append(" -> ").Append(Likelihood).Append('(').Append(events).Append(')');
        AppendLayers(sb, DecoderLayers);
        sb.AppendLine().Append("  objective: ").Append(Objective);
        sb.Append(CultureInfo.InvariantCulture, $", kl: {Kl}, beta: {Beta}, warm-up: {KlWarmUp}, free bits: {FreeBits}");
        return sb.ToString();
    }

    /// <summary>The data shape as longs.</summary>
    internal long[] EventShape => DataShape.Select(d => (long)d).ToArray();

    /// <summary>The encoder's outputs per data point: μ and σ, then the posterior steps' contexts.</summary>
    internal long EncoderOutputs => PosteriorLayout.EncoderOutputs(this);

    /// <summary>Hidden units in each of the two hidden layers of an inverse autoregressive step's MADE.</summary>
    internal int IafHidden => PosteriorLayout.IafHidden(LatentDimensions);

    /// <summary>The posterior flow's steps in order, each with the part of the encoder's output it is conditioned on (<see cref="PosteriorLayout.Steps"/>).</summary>
    internal (BijSpec Step, long At, long Width)[] PosteriorStepContexts() => PosteriorLayout.Steps(this);

    /// <summary>The decoder's output per latent code: the data shape with the likelihood's parameters stacked along its first dimension.</summary>
    internal long[] DecodedShape
    {
        get
        {
            var shape = EventShape;
            shape[0] *= Likelihood.ParametersPerElement;
            return shape;
        }
    }

    private static void AppendLayers(StringBuilder sb, IReadOnlyList<LayerShape> layers)
    {
        foreach (var layer in layers)
        {
            sb.AppendLine().Append("    ").Append(layer);
        }
    }

    private static VaeSpec Checked(VaeSpec spec)
    {
        spec.Check();
        return spec;
    }

    private void Check()
    {
        CheckDataShape();

        if (LatentDimensions < 1)
        {
            throw new GenShapeException("vae.latent", $"must be positive, got {LatentDimensions}.");
        }

        if (!(Beta >= 0) || double.IsInfinity(Beta))
        {
            throw new ArgumentOutOfRangeException("beta", Beta, "vae.beta: the KL weight must be finite and 0 or more.");
        }

        if (KlWarmUp < 0)
        {
            throw new ArgumentOutOfRangeException("steps", KlWarmUp, "vae.kl_warm_up: the number of warm-up steps must be 0 or more.");
        }

        if (!(FreeBits >= 0) || double.IsInfinity(FreeBits))
        {
            throw new ArgumentOutOfRangeException("nats", FreeBits, "vae.free_bits: the free bits must be finite and 0 or more.");
        }

        if (FreeBits > 0 && !Objective.IsElbo)
        {
            throw new ArgumentException($"vae.free_bits: free bits act on the ELBO's KL term, which the {Objective} objective does not have; use LatentObjective.Elbo() or no free bits.", "nats");
        }

        if (!Enum.IsDefined(PosteriorFlow))
        {
            throw new ArgumentOutOfRangeException("kind", PosteriorFlow, "vae.posterior_flow: unknown flow kind.");
        }

        if (PosteriorFlow == PosteriorFlowKind.Steps)
        {
            PosteriorLayout.Check(this);
        }

        if ((PosteriorFlow == PosteriorFlowKind.None) != (PosteriorFlowSteps == 0) || PosteriorFlowSteps < 0)
        {
            throw new ArgumentOutOfRangeException("steps", PosteriorFlowSteps, $"vae.posterior_flow: a {PosteriorFlow} posterior flow needs {(PosteriorFlow == PosteriorFlowKind.None ? "0 steps" : "1 or more steps")}, got {PosteriorFlowSteps}.");
        }

        if (!Enum.IsDefined(Kl))
        {
            throw new ArgumentOutOfRangeException("kl", Kl, "vae.kl: unknown KL estimate.");
        }

        // Records built or copied by hand get the factories' checks here, so that what compiles can be saved and read back.
        Likelihood.Check();
        LatentObjective.CheckSamples(Objective.Samples, "samples");

        // Last, since the networks' shapes depend on the likelihood and the posterior flow.
        // Checked without listing the layers: a spec's checks run after every With…, and a long list each time would
        // cost a document of many layers far more than reading it.
        Encoder.CheckShapes("vae.encoder", EventShape, new[] { EncoderOutputs });
        Decoder.CheckShapes("vae.decoder", new long[] { LatentDimensions }, DecodedShape);
    }

    private void CheckDataShape()
    {
        var names = IsImage ? new[] { "channels", "height", "width" } : new[] { "features" };
        if (names.Length != DataShape.Count)
        {
            throw new GenShapeException("vae.data", $"a VAE's data points are vectors [features] or images [channels, height, width], got {LayerShape.Format(EventShape)}.");
        }

        for (int i = 0; i < names.Length; i++)
        {
            if (DataShape[i] < 1)
            {
                throw new GenShapeException($"vae.{names[i]}", $"must be positive, got {DataShape[i]}.");
            }
        }

        if (EventShape.Aggregate(1L, (a, b) => a * b) > int.MaxValue)
        {
            throw new GenShapeException("vae.data", $"a data point of shape {LayerShape.Format(EventShape)} has more than {int.MaxValue} numbers.");
        }
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features("vae.data", MlpSpec.Product(EventShape));
        budget.Features("vae.latent", LatentDimensions);
        budget.Buffer("vae.prior", 2L * LatentDimensions);
        Encoder.Measure(budget, "vae.encoder", EventShape, new[] { EncoderOutputs });
        Decoder.Measure(budget, "vae.decoder", new long[] { LatentDimensions }, DecodedShape);
        if (Prior is FlowSpec flow)
        {
            flow.Measure(budget, "vae.prior");
            // TorchSharp's register_module also registers the child's fields under their own names, so the flow's base
            // is listed a second time, as prior_flow.baseModule: its location and scale are in the state twice.
            budget.Buffer("vae.prior", 2L * LatentDimensions);
        }

        for (int k = 0; k < PosteriorFlowSteps; k++)
        {
            // Planar and radial steps take their parameters from the encoder; an inverse autoregressive step is a MADE
            // of two hidden layers that reads the latent code as its context.
            var step = $"vae.posterior_flow[{k}]";
            budget.Step(step);
            if (PosteriorFlow == PosteriorFlowKind.Steps)
            {
                var (own, _, width) = PosteriorStepContexts()[k];
                own.Measure(budget, step, StepShape.Vector(LatentDimensions, width));
            }
            else if (PosteriorFlow == PosteriorFlowKind.InverseAutoregressive)
            {
                MadeSpec.MeasureNetwork(budget, step, LatentDimensions, new ValueList<int>(new[] { IafHidden, IafHidden }), 2, LatentDimensions);
            }
        }
    }
}
