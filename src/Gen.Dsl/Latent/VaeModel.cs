using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;
using Independent = Gen.Probability.Distributions.Independent;
using TransformedDistribution = Gen.Probability.Distributions.TransformedDistribution;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="VaeSpec"/>: a TorchSharp module (so <c>parameters()</c>, optimizers, <c>to()</c> and
/// <c>state_dict()</c> work as usual) whose forward pass is the ELBO of a batch. Submodules (state-dict names):
/// <c>encoder</c> and <c>decoder</c> (the spec's networks), <c>prior</c> (buffers <c>loc</c>, <c>scale</c>).
/// </summary>
/// <remarks>
/// Data is a batch [batch, features] (or [batch, channels, height, width] for an image VAE: [batch, ...data shape] with
/// the spec's <see cref="VaeSpec.DataShape"/>) in the model's dtype and on its device; samples and reconstructions have
/// the same shape. Every random draw goes through the optional
/// <see cref="torch.Generator"/> (for repeatable numbers; see <see cref="DeviceRandom"/>) or, when it is null, the
/// device's global generator.
/// <para>Each call checks its data once: shape, dtype and device, then (while <see cref="Distribution.Validate"/> is on)
/// the values against the likelihood's support in one reduction with one read-back from the device. The distributions
/// built inside the call do not check again; the networks' outputs are not checked (a NaN there means the weights are
/// not finite, which <see cref="Trainer"/> reports with the step and the loss term).</para>
/// </remarks>
public sealed class VaeModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IChecksData
{
    private const double MinPosteriorScale = 1e-6;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> encoder;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> decoder;
    private readonly DistributionModule prior;
    private readonly ModuleList<BijectorModule>? posteriorSteps;
    private readonly (BijSpec Step, long At, long Width)[] posteriorContexts;
    private readonly FlowModel? flowPrior;

    internal VaeModel(VaeSpec spec) : base("vae")
    {
        Spec = spec;
        encoder = spec.Encoder.Build(spec.EventShape, new[] { spec.EncoderOutputs });
        StartFlowsAtIdentity();
        decoder = spec.Decoder.Build(new long[] { spec.LatentDimensions }, spec.DecodedShape);
        prior = new StandardNormalSpec(spec.LatentDimensions).Compile();
        register_module("encoder", encoder);
        register_module("decoder", decoder);
        register_module("prior", prior);
        if (spec.Prior is FlowSpec flow)
        {
            flowPrior = flow.Build();
            register_module("prior_flow", flowPrior);
        }

        // Amortised steps hold no weights, and inverse autoregressive ones draw theirs after the decoder's, as always.
        posteriorContexts = spec.PosteriorStepContexts();
        if (posteriorContexts.Length > 0)
        {
            posteriorSteps = new ModuleList<BijectorModule>(posteriorContexts
                .Select(p => p.Step.Compile(StepShape.Vector(spec.LatentDimensions, p.Width)))
                .ToArray());
            register_module("posterior_flow", posteriorSteps);
        }
    }

    /// <summary>The spec this model was compiled from.</summary>
    public VaeSpec Spec { get; }

    private long LatentDimensions => Spec.LatentDimensions;

    /// <summary>The prior p(z): N(0, I), or the spec's flow prior (<see cref="VaeSpec.WithPrior"/>); event shape [latent].</summary>
    public IDistribution Prior() => flowPrior?.Distribution() ?? prior.Build();

    /// <summary>The posterior q(z|x) for a batch x [batch, ...data shape]: batch shape [batch], event shape [latent].</summary>
    /// <exception cref="GenShapeException">x is not [batch, ...data shape].</exception>
    /// <exception cref="ArgumentException">x has another dtype or device than the model, or values outside the likelihood's support.</exception>
    public IDistribution Encode(torch.Tensor x)
    {
        CheckInput(x, "vae.encode", values: true);
        return Posterior(encoder.forward(x));
    }

    /// <summary>The likelihood p(x|z) for latent codes z [..., latent]: event shape the data shape ([features] or [C, H, W]).</summary>
    /// <exception cref="GenShapeException">z does not end in the latent size.</exception>
    public IDistribution Decode(torch.Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        Shape.CheckTrailing(z, new[] { LatentDimensions }, "vae.decode");
        return Spec.Likelihood.Joint(decoder.forward(z), Spec.DataShape.Count);
    }

    /// <summary>
    /// The ELBO E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) and its two terms, each [batch], with one reparameterised posterior
    /// sample per data point and the KL term chosen by <see cref="VaeSpec.Kl"/>.
    /// </summary>
    /// <param name="x">Data [batch, ...data shape].</param>
    /// <param name="generator">Random numbers for the posterior sample.</param>
    public ElboTerms Terms(torch.Tensor x, torch.Generator? generator = null)
    {
        using var validated = CheckOnce(x, "vae.elbo");
        using var scope = torch.NewDisposeScope();
        var q = Posterior(encoder.forward(x));
        var s = Draw(q, generator);
        var reconstruction = Decode(s.Value).LogProb(x);
        var kl = KlByGroup(q, s).sum(-1);
        return new ElboTerms((reconstruction - kl).MoveToOuterDisposeScope(), reconstruction.MoveToOuterDisposeScope(), kl.MoveToOuterDisposeScope());
    }

    /// <summary>The ELBO of each data point, [batch] (see <see cref="Terms"/>).</summary>
    /// <param name="x">Data [batch, ...data shape].</param>
    /// <param name="generator">Random numbers for the posterior sample.</param>
    public torch.Tensor Elbo(torch.Tensor x, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        return Terms(x, generator).Elbo.MoveToOuterDisposeScope();
    }

    /// <summary>The same as <see cref="Elbo"/> with the global generator.</summary>
    public override torch.Tensor forward(torch.Tensor input) => Elbo(input);

    /// <summary>
    /// The importance-weighted bound of Burda et al. (2016), [batch]: log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ|x) with zᵢ ~ q(z|x)
    /// reparameterised. It equals the ELBO in expectation for k = 1, grows with k, and tends to log p(x).
    /// </summary>
    /// <param name="x">Data [batch, ...data shape].</param>
    /// <param name="k">Importance samples per data point, at least 1; memory grows as k · batch.</param>
    /// <param name="generator">Random numbers for the posterior samples.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public torch.Tensor Iwae(torch.Tensor x, int k, torch.Generator? generator = null)
    {
        LatentObjective.CheckSamples(k);
        using var validated = CheckOnce(x, "vae.iwae");
        using var scope = torch.NewDisposeScope();
        var logWeights = LogWeights(encoder.forward(x), x, k, 1.0, generator);
        return (logWeights.logsumexp(0) - Math.Log(k)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// An importance-sampled estimate of log p(x), [batch], without gradient: the IWAE bound with
    /// <paramref name="samples"/> posterior samples (often thousands), drawn <paramref name="chunk"/> at a time so memory
    /// stays at chunk · batch samples; the chunks' log-sum-exps are combined by a log-sum-exp. Its expectation is a lower
    /// bound that approaches log p(x) as the samples grow.
    /// </summary>
    /// <param name="x">Data [batch, ...data shape].</param>
    /// <param name="samples">Importance samples per data point, at least 1.</param>
    /// <param name="chunk">Samples drawn at once, at least 1.</param>
    /// <param name="generator">Random numbers for the posterior samples.</param>
    public torch.Tensor LogProb(torch.Tensor x, int samples = 1000, int chunk = 100, torch.Generator? generator = null)
    {
        using var validated = CheckOnce(x, "vae.log_prob");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var h = encoder.forward(x);
        return ChunkedLogMeanExp(samples, chunk, c => LogWeights(h, x, c, 1.0, generator)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The naive Monte Carlo estimate of log p(x), [batch], without gradient: log (1/n) Σᵢ p(x|zᵢ) with zᵢ drawn from the
    /// prior instead of the posterior, <paramref name="chunk"/> at a time. Also a stochastic lower bound, but almost every
    /// prior draw explains a given x badly, so with the same number of samples it lies far below
    /// <see cref="LogProb"/> and varies far more: the reason to sample from q(z|x).
    /// </summary>
    /// <param name="x">Data [batch, ...data shape].</param>
    /// <param name="samples">Prior samples per data point, at least 1.</param>
    /// <param name="chunk">Samples drawn at once, at least 1.</param>
    /// <param name="generator">Random numbers for the prior samples.</param>
    public torch.Tensor NaiveLogProb(torch.Tensor x, int samples = 1000, int chunk = 100, torch.Generator? generator = null)
    {
        using var validated = CheckOnce(x, "vae.naive_log_prob");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var p = Prior();
        return ChunkedLogMeanExp(samples, chunk, c => Decode(p.Sample(new[] { c, x.shape[0] }, generator)).LogProb(x)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The KL weight used by <see cref="Loss"/> at training step <paramref name="step"/>: <see cref="VaeSpec.Beta"/>,
    /// scaled by step / <see cref="VaeSpec.KlWarmUp"/> during the warm-up.
    /// </summary>
    public double KlWeight(long step)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "vae: the training step must be 0 or more.");
        }

        return Spec.KlWarmUp == 0 ? Spec.Beta : Spec.Beta * Math.Min(1.0, step / (double)Spec.KlWarmUp);
    }

    /// <summary>
    /// The training loss for a batch, a scalar to minimise: minus the mean of the spec's objective, with the KL term (or,
    /// for IWAE, log p(z) − log q(z|x) in each log-weight) weighted by <see cref="KlWeight"/>(<paramref name="step"/>) and,
    /// for the ELBO, free bits applied.
    /// </summary>
    /// <param name="x">Data [batch, ...data shape].</param>
    /// <param name="step">The training step, counted from 0 (drives the KL warm-up).</param>
    /// <param name="generator">Random numbers for the posterior samples.</param>
    public torch.Tensor Loss(torch.Tensor x, long step, torch.Generator? generator = null)
    {
        using var validated = CheckOnce(x, "vae.loss");
        double weight = KlWeight(step);
        using var scope = torch.NewDisposeScope();
        return Spec.Objective.Loss(this, encoder.forward(x), x, weight, Spec.FreeBits, generator).MoveToOuterDisposeScope();
    }

    /// <summary>Draws <paramref name="count"/> data points from the model (z ~ p(z), then x ~ p(x|z)), without gradient; [count, ...data shape].</summary>
    public torch.Tensor Sample(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, "vae.sample");

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var z = Prior().Sample(new[] { count }, generator);
        return Decode(z).Sample(Array.Empty<long>(), generator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Reconstructions of a batch without gradient, [batch, ...data shape]: the likelihood's mean (pixel probabilities for
    /// Bernoulli data) at the posterior mean of z (with a posterior flow, the base mean μ(x) pushed through the flow).
    /// </summary>
    public torch.Tensor Reconstruct(torch.Tensor x)
    {
        using var validated = CheckOnce(x, "vae.reconstruct");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var h = encoder.forward(x);
        var point = h.narrow(-1, 0, LatentDimensions);
        if (Spec.PosteriorFlow != PosteriorFlowKind.None)
        {
            point = Flow(h).Forward(point);
        }

        return Decode(point).Mean.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The posterior from the encoder's output [..., 2·latent + K·(parameters per step)]: N(μ, diag σ²), pushed through
    /// the amortised flow steps when the spec has them.
    /// </summary>
    internal IDistribution Posterior(torch.Tensor h)
    {
        long l = LatentDimensions;
        var loc = h.narrow(-1, 0, l);
        var scale = torch.nn.functional.softplus(h.narrow(-1, l, l)) + MinPosteriorScale;
        var diagonal = Family.DiagonalNormal(loc, scale);
        return Spec.PosteriorFlow == PosteriorFlowKind.None ? diagonal : new TransformedDistribution(diagonal, Flow(h));
    }

    /// <summary>The flow steps, in order, each built for its part of the encoder's output after μ and σ.</summary>
    private IBijector Flow(torch.Tensor h) =>
        BijectorExtensions.Chain(posteriorSteps!.Select((step, k) => step.Build(h.narrow(-1, posteriorContexts[k].At, posteriorContexts[k].Width))).ToArray());

    /// <summary>
    /// Sets the encoder's output rows that amortised steps read to constants at which every step is the identity (zero
    /// weights, the step's identity parameters as the bias: planar a random w with u = softplus⁻¹(1) w / ‖w‖², so û = 0,
    /// and b = 0; radial z₀ = 0, α = softplus(0), β = 0). The rows still get gradients, so the flow learns to depend on x.
    /// </summary>
    private void StartFlowsAtIdentity()
    {
        var amortised = Spec.PosteriorStepContexts().Where(p => p.Step is AmortisedSpec).ToArray();
        if (amortised.Length == 0)
        {
            return;
        }

        var last = encoder.named_children().Single(c => c.name == "output").module;
        // A spectrally normalised encoder wraps its output layer; the rows are the wrapped layer's.
        var output = last as Linear ?? (Linear)((SpectralNorm)last).Layer;
        using var noGrad = torch.no_grad();
        foreach (var (step, at, width) in amortised)
        {
            output.weight!.narrow(0, at, width).zero_();
            output.bias!.narrow(0, at, width).copy_(((IParametersFromContext)((AmortisedSpec)step).Step).IdentityParameters(LatentDimensions));
        }
    }

    /// <summary>
    /// log wᵢ = log p(x|zᵢ) + weight · (log p(zᵢ) − log q(zᵢ|x)) for k reparameterised posterior samples, [k, batch];
    /// <paramref name="h"/> is the encoder's output for x.
    /// </summary>
    internal torch.Tensor LogWeights(torch.Tensor h, torch.Tensor x, long k, double weight, torch.Generator? generator)
    {
        var s = Posterior(h).SampleAndLogProb(new[] { k }, generator);
        var logLikelihood = Decode(s.Value).LogProb(x);
        return weight == 1.0
            ? logLikelihood + Prior().LogProb(s.Value) - s.LogProb
            : logLikelihood + weight * (Prior().LogProb(s.Value) - s.LogProb);
    }

    /// <summary>
    /// Takes the posterior flow's own parameters (an inverse autoregressive posterior's step weights) out of the graph
    /// until disposed; the encoder-amortised flows have none.
    /// </summary>
    internal IDisposable HoldPosteriorParametersFixed()
    {
        var held = posteriorSteps is null
            ? Array.Empty<torch.Tensor>()
            : posteriorSteps.parameters().Where(p => p.requires_grad).Cast<torch.Tensor>().ToArray();
        foreach (var p in held)
        {
            p.requires_grad_(false);
        }

        return new Restore(held);
    }

    private sealed class Restore(torch.Tensor[] held) : IDisposable
    {
        public void Dispose()
        {
            foreach (var p in held)
            {
                p.requires_grad_(true);
            }
        }
    }

    /// <summary>
    /// log (1/n) Σ exp(log wᵢ) over n = <paramref name="samples"/> log-weights made <paramref name="chunk"/> at a time by
    /// <paramref name="logWeights"/> ([c, batch] for c samples); only one chunk's tensors are alive at once.
    /// </summary>
    private static torch.Tensor ChunkedLogMeanExp(int samples, int chunk, Func<long, torch.Tensor> logWeights)
    {
        LatentObjective.CheckSamples(samples, nameof(samples));
        LatentObjective.CheckSamples(chunk, nameof(chunk));
        var parts = new List<torch.Tensor>();
        for (int done = 0; done < samples; done += chunk)
        {
            using var step = torch.NewDisposeScope();
            parts.Add(logWeights(Math.Min(chunk, samples - done)).logsumexp(0).MoveToOuterDisposeScope());
        }

        return torch.stack(parts).logsumexp(0) - Math.Log(samples);
    }

    // One reparameterised draw from q; its log-density only where the KL is estimated from it, since the analytic KL
    // needs none (a saved pass over the latents on every step).
    internal (torch.Tensor Value, torch.Tensor? LogProb) Draw(IDistribution q, torch.Generator? generator)
    {
        if (Spec.Kl == KlEstimate.Analytic && Kl.HasAnalytic(q, Prior()))
        {
            return (q.RSample(Array.Empty<long>(), generator), null);
        }

        var s = q.SampleAndLogProb(Array.Empty<long>(), generator);
        return (s.Value, s.LogProb);
    }

    /// <summary>
    /// KL(q ‖ p) split into independent groups, [batch, G]: per latent dimension (G = latent) when both are diagonal,
    /// otherwise one group. Analytic where the spec asks for it and the pair is registered, else the one-sample estimate
    /// log q(z) − log p(z) at the sample <paramref name="s"/>.
    /// </summary>
    internal torch.Tensor KlByGroup(IDistribution q, (torch.Tensor Value, torch.Tensor? LogProb) s)
    {
        var p = Prior();
        // Elementwise bases of two diagonal distributions give the divergence per latent dimension.
        var (qBase, pBase) = q is Independent { ReinterpretedBatchDims: 1 } iq && p is Independent { ReinterpretedBatchDims: 1 } ip
            ? (iq.Base, ip.Base)
            : (null, null);
        if (Spec.Kl == KlEstimate.Analytic && Kl.HasAnalytic(q, p))
        {
            return qBase is not null && pBase is not null ? Kl.Divergence(qBase, pBase) : Kl.Divergence(q, p).unsqueeze(-1);
        }

        return qBase is not null && pBase is not null
            ? qBase.LogProb(s.Value) - pBase.LogProb(s.Value)
            : (s.LogProb! - p.LogProb(s.Value)).unsqueeze(-1);
    }

    /// <summary>
    /// Checks a batch once for a whole call (<see cref="CheckInput"/>) and returns a scope to hold until the call ends, in
    /// which the distributions built for it take their values and parameters as checked (<see cref="Distribution.AssumeValid"/>).
    /// Without it the likelihood would test the data's support a second time, and the posterior and the likelihood would
    /// each read a flag back from the device again, on every call (and every chunk of samples). Their parameters are the
    /// networks' outputs, non-finite only where the weights are, which the training loop's finiteness check reports by
    /// step and term. Null when validation is off: nothing was checked, so the likelihood masks values outside its support.
    /// </summary>
    private IDisposable? CheckOnce(torch.Tensor x, string node)
    {
        CheckInput(x, node, values: !CheckedBatches.IsTrusted(x));
        return Distribution.Validate ? Distribution.AssumeValid() : null;
    }

    /// <inheritdoc/>
    public bool Accepts(torch.Tensor data) => CheckedBatches.Passes(() => CheckInput(data, "vae.accepts", values: true));

    // Shape, dtype and device on the host; the values against the likelihood's support in one reduction and one read-back.
    private void CheckInput(torch.Tensor x, string node, bool values)
    {
        ArgumentNullException.ThrowIfNull(x);
        var shape = Spec.EventShape;
        if (x.dim() != shape.Length + 1 || !x.shape.AsSpan(1).SequenceEqual(shape))
        {
            var batch = Shape.Format(shape).Replace("[", "[batch, ", StringComparison.Ordinal);
            throw new GenShapeException(node, $"expects data of shape {batch}, got {Shape.Format(x.shape)}.");
        }

        ModelInput.CheckPlacement(x, parameters().First(), node, "the data", nameof(x));
        if (values)
        {
            Spec.Likelihood.CheckData(x, node);
        }
    }
}
