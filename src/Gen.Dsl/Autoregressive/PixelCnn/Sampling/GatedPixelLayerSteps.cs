using TorchSharp;

namespace Gen.Dsl;

/// <summary>One gated layer frozen for a sampling pass: its convolutions and its class biases [batch, 2p] for the pass's labels.</summary>
internal sealed record GatedPixelLayerSteps(
    PixelConvStep Vertical,
    PixelConvStep Horizontal,
    PixelConvStep Link,
    PixelConvStep Output,
    torch.Tensor? ClassVertical,
    torch.Tensor? ClassHorizontal,
    bool Residual);
