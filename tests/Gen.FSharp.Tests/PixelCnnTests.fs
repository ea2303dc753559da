/// PixelCNN and gated PixelCNN declared in F#, trained on 8×8 binarised digits, sampled and checkpointed.
module Gen.FSharp.Tests.PixelCnnTests

open Gen
open Gen.Data
open Gen.Dsl
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

/// The binarised digits as images, [1797, 1, 8, 8], and their labels.
let private digitImages () =
    let images = (binaryDigits ()).reshape(-1L, 1L, 8L, 8L)
    images, Digits.Load(Device.Cpu).Labels

[<Fact>]
let ``PixelCNN learns the binarised digits`` () =
    let images, _ = digitImages ()
    let spec = Autoregressive.PixelCnn(1, 8, 8).WithFilters(16).WithResidualBlocks(1)
    use model = spec.Compile(Device.Cpu, seed = 0L)
    trainSteps model images 60 64L 1e-2 (fun x -> -model.LogProb(x).mean()) |> assertImproved "pixel_cnn" 8.0f
    let x = model.Sample(3L, Seed.Generator 1L)
    Assert.Equal<int64[]>([| 3L; 1L; 8L; 8L |], x.shape)
    Assert.True(isBinary x)
    assertCheckpointRoundTrips model (fun m -> m.LogProb(images.narrow(0L, 0L, 100L)))

[<Fact>]
let ``A class-conditional gated PixelCNN learns the binarised digits`` () =
    let images, labels = digitImages ()
    let spec = Autoregressive.GatedPixelCnn(1, 8, 8).WithFilters(16).WithLayers(3).WithClasses(10)
    use model = spec.Compile(Device.Cpu, seed = 0L)
    // Images and labels travel together: index both with the same rows.
    let rows = torch.arange(images.shape.[0]).unsqueeze(1L).to_type(torch.float32)
    let nll (r: torch.Tensor) =
        let i = r.squeeze(1L).to_type(torch.int64)
        -model.LogProb(images.index_select(0L, i), labels.index_select(0L, i)).mean()
    trainSteps model rows 40 64L 1e-2 nll |> assertImproved "gated_pixel_cnn" 8.0f
    let x = model.SampleGiven(torch.tensor([| 0L; 7L |]), Seed.Generator 1L)
    Assert.Equal<int64[]>([| 2L; 1L; 8L; 8L |], x.shape)
    Assert.True(isBinary x)
    let some = images.narrow(0L, 0L, 50L)
    let someLabels = labels.narrow(0L, 0L, 50L)
    assertCheckpointRoundTrips model (fun m -> m.LogProb(some, someLabels))
