using System;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Objectives that fit a score model s(x) ≈ ∇ₓ log p(x) to data without the normalising constant, as <see cref="Trainer"/>
/// losses: denoising score matching (Vincent 2011), whose optimum is the score of the data convolved with N(0, σ²I),
/// and sliced score matching (Song et al. 2019), whose optimum is the score of the data itself. The score model maps
/// a batch [batch, ...] to a batch of the same shape, differentiably (a network, or a closed form).
/// </summary>
public static class ScoreObjective
{
    /// <summary>
    /// Denoising score matching at noise level σ: for x̃ = x + σε, ε ~ N(0, I), the loss ½ E‖s(x̃) + ε/σ‖² (weighted by
    /// σ² as in Song and Ermon 2019, so that every noise level weighs alike: ½ E‖σ s(x̃) + ε‖²), with the term <c>dsm</c>.
    /// </summary>
    /// <param name="score">s, from [batch, ...] to the same shape.</param>
    /// <param name="sigma">σ, positive and finite.</param>
    /// <param name="generator">A seeded generator for the noise; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">σ is not positive and finite.</exception>
    public static Func<torch.Tensor, Loss> Denoising(Func<torch.Tensor, torch.Tensor> score, double sigma, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        if (!(sigma > 0) || !double.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "score_matching: the noise level σ must be positive and finite.");
        }

        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            var noise = DeviceRandom.Normal(x.shape, x.dtype, x.device, generator);
            var s = Checked(score, x + (noise * sigma), "score_matching.denoising");
            var loss = ((s * sigma) + noise).square().flatten(1).sum(1).mean() * 0.5;
            return new Loss(loss, new[] { ("dsm", loss) });
        };
    }

    /// <summary>
    /// Sliced score matching: E[vᵀ ∇ₓ(vᵀ s(x)) + ½ (vᵀ s(x))²] over random directions v ~ N(0, I), an unbiased estimate of
    /// the Fisher divergence between the model and the data up to a constant, with <paramref name="projections"/>
    /// directions per example and one extra backward pass; term <c>ssm</c>.
    /// </summary>
    /// <param name="score">s, from [batch, ...] to the same shape.</param>
    /// <param name="projections">Directions per example, at least 1.</param>
    /// <param name="generator">A seeded generator for the directions; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one projection.</exception>
    public static Func<torch.Tensor, Loss> Sliced(Func<torch.Tensor, torch.Tensor> score, int projections = 1, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        if (projections < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(projections), projections, "score_matching: use at least one projection.");
        }

        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            var repeated = x.repeat(new[] { (long)projections }.Concat(Enumerable.Repeat(1L, (int)x.dim() - 1)).ToArray()).detach().requires_grad_(true);
            var v = DeviceRandom.Normal(repeated.shape, x.dtype, x.device, generator);
            var s = Checked(score, repeated, "score_matching.sliced");
            var projected = (s * v).flatten(1).sum(1);                                  // vᵀ s(x)
            var grad = torch.autograd.grad(new[] { projected.sum() }, new[] { repeated }, retain_graph: true, create_graph: true)[0];
            var trace = (grad * v).flatten(1).sum(1);                                     // vᵀ ∇ₓ(vᵀ s(x))
            var loss = (trace + (projected.square() * 0.5)).mean();
            return new Loss(loss, new[] { ("ssm", loss) });
        };
    }

    /// <summary>
    /// Denoising score matching over several noise levels at once, for a noise-conditional score s(x, σ) (Song and
    /// Ermon 2019): each example draws one of <paramref name="sigmas"/> uniformly, x̃ = x + σε, and the loss is
    /// ½ E‖σ s(x̃, σ) + ε‖² (term <c>dsm</c>), so each level weighs alike.
    /// </summary>
    /// <param name="score">s(x, σ): a batch and each example's σ [batch] to the batch's shape.</param>
    /// <param name="sigmas">The noise levels, positive and finite (see <see cref="AnnealedLangevin.Geometric"/>).</param>
    /// <param name="generator">A seeded generator for the levels and the noise; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">No level is given, or one is not positive and finite.</exception>
    public static Func<torch.Tensor, Loss> NoiseConditional(Func<torch.Tensor, torch.Tensor, torch.Tensor> score, ValueList<double> sigmas, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(sigmas);
        if (sigmas.Count == 0 || sigmas.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmas), "score_matching: needs one or more positive, finite noise levels.");
        }

        var levels = sigmas.ToArray();
        return x =>
        {
            ArgumentNullException.ThrowIfNull(x);
            var table = torch.tensor(levels, dtype: x.dtype, device: x.device);
            var sigma = table.index_select(0, DeviceRandom.Integers(levels.Length, new[] { x.shape[0] }, x.device, generator));
            var perExample = sigma.reshape(new[] { x.shape[0] }.Concat(Enumerable.Repeat(1L, (int)x.dim() - 1)).ToArray());
            var noise = DeviceRandom.Normal(x.shape, x.dtype, x.device, generator);
            var noisy = x + (noise * perExample);
            var s = score(noisy, sigma) ?? throw new InvalidOperationException("score_matching.noise_conditional: the score model returned null.");
            if (!s.shape.SequenceEqual(x.shape))
            {
                throw new GenShapeException("score_matching.noise_conditional", $"the score must have the data's shape {Shape.Format(x.shape)}, got {Shape.Format(s.shape)}.");
            }

            var loss = ((s * perExample) + noise).square().flatten(1).sum(1).mean() * 0.5;
            return new Loss(loss, new[] { ("dsm", loss) });
        };
    }

    private static torch.Tensor Checked(Func<torch.Tensor, torch.Tensor> score, torch.Tensor x, string node)
    {
        var s = score(x) ?? throw new InvalidOperationException($"{node}: the score model returned null.");
        if (!s.shape.SequenceEqual(x.shape))
        {
            throw new GenShapeException(node, $"the score must have the data's shape {Shape.Format(x.shape)}, got {Shape.Format(s.shape)}.");
        }

        return s;
    }
}
