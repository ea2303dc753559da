namespace Gen.Dsl;

/// <summary>Where a batch of Markov chains ended (<see cref="McmcSampler.Run"/>).</summary>
/// <param name="Samples">The chains' last states, the shape of the start.</param>
/// <param name="AcceptanceRate">The share of proposals accepted over all chains and steps (1 for a sampler without an acceptance step).</param>
public sealed record ChainResult(TorchSharp.torch.Tensor Samples, double AcceptanceRate);
