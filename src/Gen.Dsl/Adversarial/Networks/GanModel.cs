using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="GanSpec"/>: a generator G mapping standard-normal latents z (and, for a conditional model, a
/// class label) to samples of the spec's data shape, and a discriminator D mapping samples (and labels) to one logit
/// each. A TorchSharp module, so <c>to()</c>, <c>train()</c>/<c>eval()</c> and <c>state_dict()</c> work as usual; its
/// forward pass is G. State-dict names: <c>generator.*</c> (an MLP's <c>linear{i}</c> and <c>output</c>); with an MLP
/// discriminator <c>discriminator.body.linear{i}</c>, <c>discriminator.head</c> and <c>discriminator.projection</c>
/// (conditional only), with any other <c>discriminator.network.*</c>; with spectral normalisation each discriminator
/// layer holds <c>layer.weight</c>, <c>layer.bias</c>, <c>u</c> and <c>v</c>; with a moving average of the generator
/// (<see cref="GanSpec.WithGeneratorAverage"/>) <c>average.network.*</c> holds the averaged generator and
/// <c>average.updates</c> its update count.
/// </summary>
public sealed class GanModel : torch.nn.Module<torch.Tensor, torch.Tensor>, IConditionalSampler, IAfterOptimizerStep
{
    private const string Node = "gan";

    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> generator;
    private readonly GanCritic discriminator;
    private readonly WeightAverage? average;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor>? output;
    private readonly long[] eventShape;

    internal GanModel(GanSpec spec) : base("gan")
    {
        Spec = spec;
        eventShape = spec.EventShape;
        // A vector-to-vector MLP builds the plain layer stack, so the names and initial weights are those of an MLP GAN.
        generator = spec.GeneratorNetwork.Build(spec.GeneratorInput, eventShape);
        discriminator = new GanCritic(spec.DiscriminatorNetwork, eventShape, spec.Classes, spec.SpectralNormalized);
        // Parameter-free, so not registered: the state dict does not depend on it.
        output = spec.GeneratorOutput is { } activation ? MlpSpec.MakeActivation(activation) : null;
        register_module(nameof(generator), generator);
        register_module(nameof(discriminator), discriminator);
        if (spec.GeneratorAverage is { } decay)
        {
            // Built last, so the other players' initial weights do not depend on whether there is an average.
            average = new WeightAverage(generator, spec.GeneratorNetwork.Build(spec.GeneratorInput, eventShape), decay);
            register_module(nameof(average), average);
        }
    }

    /// <summary>
    /// Moves the generator's moving average towards its weights (<see cref="WeightAverage.Update"/>); nothing without
    /// an average. Both trainers call it after every generator step.
    /// </summary>
    public void AfterOptimizerStep() => average?.Update();

    /// <summary>The spec this model was compiled from.</summary>
    public GanSpec Spec { get; }

    /// <summary>
    /// Whether label arguments are checked to lie in 0 … Classes − 1 (true at first). The check reads one flag back from
    /// the device, so on a GPU it waits for the work queued before it; turn it off in training loops over valid labels.
    /// Shapes, dtypes and devices are always checked.
    /// </summary>
    public bool CheckValues { get; set; } = true;

    /// <summary>The generator's parameters, for its optimizer.</summary>
    public Parameter[] GeneratorParameters() => generator.parameters().ToArray();

    /// <summary>The discriminator's parameters, for its optimizer (spectral normalisation's u and v are buffers, not parameters).</summary>
    public Parameter[] DiscriminatorParameters() => discriminator.parameters().ToArray();

    /// <summary>
    /// The discriminator as a critic (<see cref="Discriminate"/> with the model's checks), the generator's adversary in an
    /// <see cref="AdversarialTrainer"/>.
    /// </summary>
    public ICritic Critic => new Discriminator(this);

    /// <summary>The number of classes of a conditional model; 0 for an unconditional one.</summary>
    public int Classes => Spec.Classes;

    /// <summary>Standard-normal latents [count, Latent] in the model's dtype and on its device.</summary>
    /// <param name="count">How many.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    public torch.Tensor Latent(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.latent");

        return DeviceRandom.Normal(new[] { count, (long)Spec.Latent }, Reference.dtype, Reference.device, generator);
    }

    /// <summary>G(z) for latents [batch, Latent]: samples [batch, ..DataShape], differentiable with respect to the generator.</summary>
    /// <param name="z">Latents in the model's dtype and on its device.</param>
    /// <param name="labels">Class labels, int64 [batch], for a conditional model; null for an unconditional one.</param>
    /// <exception cref="GenShapeException">The latents or labels have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device, or labels missing, superfluous or out of range.</exception>
    public torch.Tensor Generate(torch.Tensor z, torch.Tensor? labels = null) => Run(generator, z, labels);

    /// <summary>
    /// The generator's moving average applied to latents [batch, Latent] (see <see cref="GanSpec.WithGeneratorAverage"/>),
    /// without gradient; the generator itself when the model keeps no average.
    /// </summary>
    /// <param name="z">Latents in the model's dtype and on its device.</param>
    /// <param name="labels">Class labels, int64 [batch], for a conditional model; null for an unconditional one.</param>
    /// <exception cref="GenShapeException">The latents or labels have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device, or labels missing, superfluous or out of range.</exception>
    public torch.Tensor GenerateAveraged(torch.Tensor z, torch.Tensor? labels = null)
    {
        using var noGrad = torch.no_grad();
        return Run(average ?? generator, z, labels);
    }

    /// <summary>
    /// Latents [count, Latent] from the standard normal truncated to [−<paramref name="threshold"/>,
    /// <paramref name="threshold"/>] in every coordinate (the truncation trick of Brock et al. 2019: smaller thresholds
    /// trade variety for fidelity). Drawn exactly, by the inverse of the normal's distribution function on a uniform
    /// draw, so a seeded generator gives the same latents on every run.
    /// </summary>
    /// <param name="count">How many.</param>
    /// <param name="threshold">The bound on every coordinate, positive.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not positive and finite.</exception>
    public torch.Tensor TruncatedLatent(long count, double threshold, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.latent");
        if (!(threshold > 0) || double.IsInfinity(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"{Node}: the truncation threshold must be positive and finite.");
        }

        using var scope = torch.NewDisposeScope();
        // u uniform on [Φ(−t), Φ(t)] and z = Φ⁻¹(u) = √2·erfinv(2u − 1), in float64 so thresholds far out stay exact.
        var u = DeviceRandom.Uniform(new[] { count, (long)Spec.Latent }, torch.float64, Reference.device, generator);
        var bound = torch.special.erf(torch.tensor(threshold / Math.Sqrt(2), torch.float64, Reference.device));
        var z = torch.special.erfinv((u * 2 - 1) * bound) * Math.Sqrt(2);
        return z.to_type(Reference.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Draws <paramref name="count"/> samples from an unconditional model with latents truncated at
    /// <paramref name="threshold"/> (<see cref="TruncatedLatent"/>), from the generator's moving average when the model
    /// keeps one; without gradient.
    /// </summary>
    /// <param name="count">How many.</param>
    /// <param name="threshold">The bound on every latent coordinate, positive.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is class-conditional.</exception>
    public torch.Tensor SampleTruncated(long count, double threshold, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        OneHot(null, count);
        return GenerateAveraged(TruncatedLatent(count, threshold, generator)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Draws one sample per label from a class-conditional model with latents truncated at <paramref name="threshold"/>
    /// (<see cref="TruncatedLatent"/>), from the generator's moving average when the model keeps one; without gradient.
    /// </summary>
    /// <param name="labels">Class labels, int64 [batch], on the model's device.</param>
    /// <param name="threshold">The bound on every latent coordinate, positive.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is unconditional, or the labels are not valid.</exception>
    public torch.Tensor SampleGivenTruncated(torch.Tensor labels, double threshold, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        return GenerateAveraged(TruncatedLatent(Labels(labels), threshold, generator), labels).MoveToOuterDisposeScope();
    }

    private torch.Tensor Run(torch.nn.Module<torch.Tensor, torch.Tensor> network, torch.Tensor z, torch.Tensor? labels)
    {
        CheckInput(z, new long[] { Spec.Latent }, "latents");
        using var scope = torch.NewDisposeScope();
        var oneHot = OneHot(labels, z.shape[0]);
        var input = oneHot is null ? z : torch.cat(new[] { z, oneHot }, 1);
        var x = network.call(input);
        return (output is null ? x : output.call(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The same as <see cref="Generate"/> without labels (so for unconditional models only).</summary>
    public override torch.Tensor forward(torch.Tensor z) => Generate(z);

    /// <summary>D(x): one logit per sample, [batch], differentiable with respect to the discriminator and to x.</summary>
    /// <param name="x">Samples [batch, ..DataShape] in the model's dtype and on its device.</param>
    /// <param name="labels">Class labels, int64 [batch], for a conditional model; null for an unconditional one.</param>
    /// <exception cref="GenShapeException">The samples or labels have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device, or labels missing, superfluous or out of range.</exception>
    public torch.Tensor Discriminate(torch.Tensor x, torch.Tensor? labels = null)
    {
        CheckInput(x, eventShape, "samples");
        using var scope = torch.NewDisposeScope();
        return discriminator.Logits(x, OneHot(labels, x.shape[0])).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Draws <paramref name="count"/> samples [count, ..DataShape] from an unconditional model, without gradient: from
    /// the generator's moving average when the model keeps one, else from the generator.
    /// </summary>
    /// <param name="count">How many.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is class-conditional (use <see cref="SampleGiven"/>).</exception>
    public torch.Tensor Sample(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.sample");
        using var scope = torch.NewDisposeScope();
        OneHot(null, count);
        return GenerateAveraged(Latent(count, generator)).MoveToOuterDisposeScope();
    }

    /// <summary>The shape of one sample: the spec's data shape.</summary>
    public IReadOnlyList<long> SampleShape => eventShape.ToArray();

    /// <summary>
    /// G(z) for <paramref name="count"/> fresh latents from an unconditional model: samples [count, ..DataShape], differentiable
    /// with respect to the generator (so the generator can face a separately declared critic, see <see cref="Adversary"/>).
    /// </summary>
    /// <param name="count">How many.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is class-conditional.</exception>
    public torch.Tensor RSample(long count, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(count, $"{Node}.sample");
        using var scope = torch.NewDisposeScope();
        OneHot(null, count);
        return Generate(Latent(count, generator)).MoveToOuterDisposeScope();
    }

    /// <summary>G(z) for one fresh latent per label: samples [batch, ..DataShape], differentiable with respect to the generator.</summary>
    /// <param name="labels">Class labels, int64 [batch], on the model's device.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is unconditional, or the labels are not valid.</exception>
    public torch.Tensor RSampleGiven(torch.Tensor labels, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        return Generate(Latent(Labels(labels), generator), labels).MoveToOuterDisposeScope();
    }

    // The batch size of a label vector, checked to be one.
    private static long Labels(torch.Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || labels.shape[0] < 1)
        {
            throw new GenShapeException($"{Node}.labels", $"expects labels of shape [batch], got a tensor of shape {Shape.Format(labels.shape)}.");
        }

        return labels.shape[0];
    }

    /// <summary>
    /// Draws one sample per label, [batch, ..DataShape], from a class-conditional model, without gradient: from the
    /// generator's moving average when the model keeps one, else from the generator.
    /// </summary>
    /// <param name="labels">Class labels, int64 [batch], on the model's device.</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The model is unconditional, or the labels are not valid.</exception>
    public torch.Tensor SampleGiven(torch.Tensor labels, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        return GenerateAveraged(Latent(Labels(labels), generator), labels).MoveToOuterDisposeScope();
    }

    private torch.Tensor Reference => generator.parameters().First();

    // The discriminator seen as a critic: the model's checks, then its logits.
    private sealed class Discriminator(GanModel model) : ICritic
    {
        public IReadOnlyList<long> InputShape => model.SampleShape;

        public int Classes => model.Spec.Classes;

        public bool DependsOnBatch => model.Spec.DiscriminatorNetwork.DependsOnBatch;

        public Parameter[] CriticParameters() => model.DiscriminatorParameters();

        public torch.Tensor Logits(torch.Tensor x, torch.Tensor? labels = null) => model.Discriminate(x, labels);
    }

    private void CheckInput(torch.Tensor x, long[] shape, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != shape.Length + 1 || !x.shape.AsSpan(1).SequenceEqual(shape))
        {
            throw new GenShapeException($"{Node}.{what}", $"expects [batch, {string.Join(", ", shape)}], got a tensor of shape {Shape.Format(x.shape)}.");
        }

        PixelLikelihood.CheckPlacement(x, Node, Reference, what);
    }

    private torch.Tensor? OneHot(torch.Tensor? labels, long batch) =>
        ClassLabels.OneHot(labels, Spec.Classes, batch, Node, Reference, CheckValues, "Generate(z, labels), Discriminate(x, labels), SampleGiven(labels)");
}
