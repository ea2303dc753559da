/// A masked autoregressive flow (MAF) fitted to the two moons, written in F#: the same specs, data, optimizer and
/// pictures as the C# examples, read as ordinary F# calls.
module Gen.Examples.FSharp.MafMoons

open System
open System.IO
open Gen
open Gen.Data
open Gen.Dsl
open Gen.Optimization
open Gen.Plots
open TorchSharp

/// What a run measured and wrote.
type Result =
    { HeldOutNats: float
      GaussianNats: float
      Seconds: float
      Pictures: string list }

/// Held-out negative log-likelihood (nats per point) of the Gaussian with the training mean and covariance.
let gaussianNll (train: torch.Tensor) (test: torch.Tensor) =
    use scope = torch.NewDisposeScope()
    let x = train.cpu().to_type(torch.float64)
    let mean = x.mean([| 0L |])
    let centred = x - mean
    let cov = centred.t().matmul(centred) / float (x.shape.[0] - 1L)
    let d = test.cpu().to_type(torch.float64) - mean
    let mahalanobis = (d.matmul(torch.linalg.inv cov) * d).sum(dim = 1L)
    let struct (_, logDet) = torch.linalg.slogdet cov
    // log N(x; mu, S) = -(d log 2 pi + log det S + mahalanobis) / 2, d = 2.
    let logNorm = 2.0 * Math.Log(2.0 * Math.PI) + logDet.item<float>()
    (0.5 * (mahalanobis + logNorm)).mean().item<float>()

/// Trains the flow for `epochs` passes over `points` moons and writes its pictures to `outDir`.
let run (epochs: int) (points: int) (seed: int64) (device: torch.Device) (outDir: string) (log: TextWriter) =
    Seed.Everything seed
    let draw = Seed.Generator(seed + 4L)
    let train = ToyData.Sample(ToySet.Moons, int64 points, device, draw)
    let test = ToyData.Sample(ToySet.Moons, int64 (max (points / 4) 1), device, draw)

    let spec =
        Flow.Over(Dist.StandardNormal 2)
            .Then(Bij.MaskedAutoregressive(64, 64))
            .Then(Bij.Reverse())
            .Repeat 5
    log.WriteLine(spec.ToString())

    use model = spec.Compile(device, seed = seed)
    use optimizer = new FusedAdam(model.parameters(), learningRate = 2e-3)
    let shuffle = Seed.Generator(seed + 1L)
    let heldOut () =
        use noGrad = torch.no_grad()
        model.LogProb(test).mean().neg().item<float32>() |> float
    let train' = Series "train nats/point"
    let test' = Series "held-out nats/point"
    let clock = Diagnostics.Stopwatch.StartNew()
    for epoch in 1 .. epochs do
        let mutable sum = 0.0
        let mutable count = 0L
        for batch in Batches.Of(train, 256, device, shuffle) do
            use scope = torch.NewDisposeScope()
            let loss = model.LogProb(batch).mean().neg()
            optimizer.ZeroGrad()
            loss.backward()
            optimizer.Step()
            sum <- sum + float (loss.item<float32>()) * float batch.shape.[0]
            count <- count + batch.shape.[0]
        train'.Add(float epoch, sum / float count)
        test'.Add(float epoch, heldOut ())
        if epoch % 10 = 0 || epoch = epochs then
            log.WriteLine(sprintf "epoch %d/%d  train %.3f  held-out %.3f nats/point  (%.0f s)" epoch epochs (sum / float count) (heldOut ()) clock.Elapsed.TotalSeconds)

    let region = Region.Around(train, 0.05)
    let density =
        DensityMap.LogDensity(model, region, DensityMapOptions.Default.WithTitle("MAF density").On(device))
    let samples = ScatterPlot.Points(model.Sample(2000L, Seed.Generator(seed + 3L)), ScatterOptions.Default.WithRegion(region).WithTitle("MAF samples").WithMarkerSize 2.0)
    let curves = TrainingCurves.Render([| train'; test' |], CurveOptions.Default.WithLabels("epoch", "nats/point").WithTitle "MAF on the moons (F#)")
    let pictures =
        [ Picture.Row([| density; samples |]).Save(Path.Combine(outDir, "density.png"))
          curves.Save(Path.Combine(outDir, "curve.png")) ]
    { HeldOutNats = heldOut ()
      GaussianNats = gaussianNll train test
      Seconds = clock.Elapsed.TotalSeconds
      Pictures = pictures }
