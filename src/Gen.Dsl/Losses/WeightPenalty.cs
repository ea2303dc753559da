using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>Regularisers of a network's own weights, as functions that give a scalar to add to a loss.</summary>
public static class WeightPenalty
{
    /// <summary>
    /// BigGAN's orthogonal regularisation (Brock et al. 2019): β·Σ_W ‖W·Wᵀ ⊙ (1 − I)‖²_F over every weight of two or more
    /// dimensions (a convolution kernel as [out, in·kh·kw]; biases and normalisation scales are left alone). It pushes the
    /// rows of each weight towards orthogonality without fixing their norms, which made BigGAN's generator amenable to
    /// the truncation trick. BigGAN applies it to the generator with β = 10⁻⁴:
    /// <c>new GanTrainer(...) { ModelRegularizer = WeightPenalty.Orthogonal(gan.GeneratorParameters()) }</c>.
    /// </summary>
    /// <param name="parameters">The parameters to regularise (those of fewer than two dimensions are skipped).</param>
    /// <param name="weight">β, non-negative and finite.</param>
    /// <returns>A function giving the penalty, a scalar with gradient to the weights.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative or not finite.</exception>
    /// <exception cref="ArgumentException">No parameter has two or more dimensions.</exception>
    public static Func<torch.Tensor> Orthogonal(IEnumerable<Parameter> parameters, double weight = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(weight >= 0) || double.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight_penalty.orthogonal: β must be non-negative and finite.");
        }

        var weights = parameters.Where(p => p.dim() >= 2).ToArray();
        if (weights.Length == 0)
        {
            throw new ArgumentException("weight_penalty.orthogonal: no parameter has two or more dimensions, so there is nothing to regularise.", nameof(parameters));
        }

        return () =>
        {
            using var scope = torch.NewDisposeScope();
            torch.Tensor? total = null;
            foreach (var w in weights)
            {
                var rows = w.reshape(w.shape[0], -1);
                var gram = rows.matmul(rows.t());
                var offDiagonal = gram - torch.diag_embed(gram.diagonal());
                var term = offDiagonal.square().sum();
                total = total is null ? term : total + term;
            }

            return (total! * weight).MoveToOuterDisposeScope();
        };
    }
}
