namespace Gen.Dsl;

/// <summary>One batch of real data for a GAN update.</summary>
/// <param name="Data">Real samples [batch, features] in the model's dtype and on its device.</param>
/// <param name="Labels">Their class labels, int64 [batch], for a conditional model; null for an unconditional one.</param>
public readonly record struct GanBatch(TorchSharp.torch.Tensor Data, TorchSharp.torch.Tensor? Labels = null);
