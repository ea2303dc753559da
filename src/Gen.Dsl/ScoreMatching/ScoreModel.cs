using System;
using System.Globalization;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A compiled noise-conditional score model (<see cref="ScoreSpec"/>): <see cref="Score(torch.Tensor, torch.Tensor)"/>
/// gives s(x, σ) = network([x, log σ]) / σ; <see cref="Loss"/> is denoising score matching over the levels, for a
/// <see cref="Trainer"/>; <see cref="Sample"/> runs annealed Langevin chains through the levels. Its <c>forward</c> is
/// the score at the smallest level.
/// </summary>
public sealed class ScoreModel : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    private const string Node = "score";
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> network;

    internal ScoreModel(ScoreSpec spec) : base("score")
    {
        Spec = spec;
        network = spec.Network.Build(spec.NetworkInput, spec.EventShape);
        register_module("network", network);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public ScoreSpec Spec { get; }

    /// <summary>The shape of one example.</summary>
    public long[] EventShape => Spec.EventShape;

    /// <summary>s(x, σ) for a batch x [batch, ...data shape] and each example's level σ [batch] (any positive σ, not only the spec's): the batch's shape.</summary>
    /// <exception cref="GenShapeException">x is not [batch, ...data shape], or σ not [batch].</exception>
    /// <exception cref="ArgumentException">x or σ has another dtype or device than the model.</exception>
    public torch.Tensor Score(torch.Tensor x, torch.Tensor sigma)
    {
        CheckBatch(x, $"{Node}.score");
        ArgumentNullException.ThrowIfNull(sigma);
        if (sigma.dim() != 1 || sigma.shape[0] != x.shape[0])
        {
            throw new GenShapeException($"{Node}.score", $"expects one noise level per example, [{x.shape[0]}], got a tensor of shape {Shape.Format(sigma.shape)}.");
        }

        ModelInput.CheckPlacement(sigma, Reference, $"{Node}.score", "the noise levels", nameof(sigma));
        using var scope = torch.NewDisposeScope();
        var perExample = sigma.reshape(new[] { x.shape[0] }.Concat(Enumerable.Repeat(1L, EventShape.Length)).ToArray());
        // log σ as one more feature of a vector, or one more channel (a constant plane) of an image.
        var level = perExample.log().expand(new[] { x.shape[0], 1L }.Concat(EventShape.Skip(1)).ToArray());
        return (network.forward(torch.cat(new[] { x, level }, 1)) / perExample).MoveToOuterDisposeScope();
    }

    /// <summary>s(x, σ) at one level <paramref name="sigma"/> for the whole batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive and finite.</exception>
    public torch.Tensor Score(torch.Tensor x, double sigma)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, $"{Node}.score: a noise level must be positive and finite.");
        }

        using var level = torch.full(new[] { x.dim() > 0 ? x.shape[0] : 0 }, sigma, dtype: Reference.dtype, device: Reference.device);
        return Score(x, level);
    }

    /// <inheritdoc/>
    public override torch.Tensor forward(torch.Tensor input) => Score(input, Spec.Sigmas[^1]);

    /// <summary>
    /// Denoising score matching over the spec's levels (<see cref="ScoreObjective.NoiseConditional"/>): each example draws
    /// a level σ and noise ε, and the loss is ½ E‖σ s(x + σε, σ) + ε‖² (term <c>dsm</c>). Give it to a
    /// <see cref="Trainer"/>, with <paramref name="generator"/> in its <see cref="Trainer.Generators"/> for a resumable run.
    /// </summary>
    /// <param name="generator">A seeded generator for the levels and the noise; the device's global generator when null.</param>
    public Func<torch.Tensor, Loss> Loss(torch.Generator? generator = null)
    {
        var objective = ScoreObjective.NoiseConditional(Score, Spec.Sigmas, generator);
        return x =>
        {
            CheckBatch(x, $"{Node}.loss");
            return objective(x);
        };
    }

    /// <summary>
    /// <paramref name="count"/> samples by annealed Langevin dynamics (<see cref="AnnealedLangevin"/>) through the spec's
    /// levels, <paramref name="stepsPerLevel"/> steps each with step ε σᵢ² / σ_L², from the uniform law on
    /// [<paramref name="low"/>, <paramref name="high"/>]^D; without gradient.
    /// </summary>
    /// <param name="count">Chains, at least 1.</param>
    /// <param name="stepsPerLevel">T (100 in NCSN).</param>
    /// <param name="epsilon">ε, the step at the smallest level (2·10⁻⁵ in NCSN, for pixels in [0, 1]).</param>
    /// <param name="low">The start's lower end.</param>
    /// <param name="high">The start's upper end.</param>
    /// <param name="generator">A seeded generator for the start and the chains' noise; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="InvalidOperationException">A chain left the finite numbers; the message names the level and the step.</exception>
    public torch.Tensor Sample(long count, int stepsPerLevel = 100, double epsilon = 2e-5, double low = 0, double high = 1, torch.Generator? generator = null)
    {
        var sampler = new AnnealedLangevin(Spec.Sigmas, stepsPerLevel, epsilon);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var start = ModelInput.UniformStart(count, EventShape, low, high, Reference, generator, $"{Node}.sample");
        return sampler.Run(Score, start, generator).MoveToOuterDisposeScope();
    }

    private void CheckBatch(torch.Tensor x, string node) => ModelInput.CheckBatch(x, EventShape, Reference, node);

    private torch.Tensor Reference => parameters().First();
}
