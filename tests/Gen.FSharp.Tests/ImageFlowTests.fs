/// Multi-scale image flows declared in F#: Glow and RealNVP on the 8×8 digits, a class-conditional Glow, trained a few
/// steps, sampled and checkpointed.
module Gen.FSharp.Tests.ImageFlowTests

open Gen
open Gen.Data
open Gen.Dsl
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

/// The first 512 of the 8×8 digits as images [512, 1, 8, 8] of integer levels 0..16, and their labels one-hot [512, 10].
let private digits () =
    init ()
    let data = Digits.Load Device.Cpu
    let images = data.Images.narrow(0L, 0L, 512L).reshape(-1L, 1L, 8L, 8L)
    images, torch.nn.functional.one_hot(data.Labels.narrow(0L, 0L, 512L).to_type torch.int64, 10L).to_type torch.float32

[<Fact>]
let ``Glow and RealNVP with normalised conditioners learn the digits`` () =
    let images, _ = digits ()
    let specs =
        [ "glow", ImageFlow.Glow(1, 8, 8, levels = 2, stepsPerLevel = 2, hidden = 16).WithPreprocessing(ImagePreprocessing.Logit(17))
          "realnvp",
          ImageFlow.Over(1, 8, 8)
              .WithPreprocessing(ImagePreprocessing.Logit(17, alpha = 0.05))
              .Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(), Net.ConvResNet(8, 1).WithNormalization Normalization.Layer))
              .Then(ImageBij.Squeeze())
              .Then(ImageBij.AffineCoupling(ImageMask.Channel(), Net.ConvResNet(8, 1).WithNormalization Normalization.Layer))
              .Then(ImageBij.FactorOut())
              .Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(odd = true), Net.ConvResNet(8, 1))) ]
    for name, spec in specs do
        use model = spec.Compile(Device.Cpu, seed = 0L)
        let g = Seed.Generator 5L
        trainSteps model images 40 64L 5e-3 (fun x -> -model.LogProbDequantized(x, g).mean()) |> assertImproved name 5.0f
        let drawn = model.Sample(4L, Seed.Generator 2L)
        Assert.Equal<int64[]>([| 4L; 1L; 8L; 8L |], drawn.shape)
        assertCheckpointRoundTrips model (fun m -> m.LogProb(images.narrow(0L, 0L, 16L) + 0.5f))

[<Fact>]
let ``A class-conditional Glow reads the label and keeps it through a checkpoint`` () =
    let images, labels = digits ()
    let spec = ImageFlow.Glow(1, 8, 8, levels = 2, stepsPerLevel = 1, hidden = 16).WithPreprocessing(ImagePreprocessing.Logit(17)).WithContext 10
    use model = spec.Compile(Device.Cpu, seed = 0L)
    let rows = torch.arange(images.shape.[0])
    let g = Seed.Generator 6L
    let loss (r: torch.Tensor) =
        let r = r.to_type torch.int64
        -model.LogProbDequantized(images.index_select(0L, r), labels.index_select(0L, r), g).mean()
    trainSteps model (rows.to_type torch.float32) 40 64L 5e-3 loss |> assertImproved "conditional glow" 5.0f
    let sevens = model.Sample(3L, torch.eye(10L).[7L])
    Assert.Equal<int64[]>([| 3L; 1L; 8L; 8L |], sevens.shape)
    let x = images.narrow(0L, 0L, 8L) + 0.5f
    let c = labels.narrow(0L, 0L, 8L)
    assertCheckpointRoundTrips model (fun m -> m.LogProb(x, c))
