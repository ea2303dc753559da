using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The factors of W = P L (U + diag(s)) that parametrise <see cref="LuLinear"/> and <see cref="Invertible1x1Conv"/>,
/// from <see cref="LuLinear.Decompose"/>: initial values for a module's parameters.
/// </summary>
/// <param name="Permutation">The fixed row order: (P z)[i] = z[Permutation[i]].</param>
/// <param name="Lower">[D, D]; its strictly lower part is L's (L has a unit diagonal). Learnable.</param>
/// <param name="Upper">[D, D]; its strictly upper part is U's (the diagonal is held by s). Learnable.</param>
/// <param name="LogAbsDiagonal">[D]: log|s|. Learnable.</param>
/// <param name="Sign">[D]: the signs of s, ±1. Fixed (a buffer, not a parameter).</param>
public readonly record struct LuDecomposition(long[] Permutation, torch.Tensor Lower, torch.Tensor Upper, torch.Tensor LogAbsDiagonal, torch.Tensor Sign);
