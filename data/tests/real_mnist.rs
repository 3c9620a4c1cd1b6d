//! The real MNIST, when available (MNIST_DIR or the cache; nothing is fetched here).
//! Skipped with a message otherwise, unless `MNIST_REQUIRED=1`, which CI sets after fetching
//! the data with `data::obtain`.

use data::{load, obtain, Dataset, Normalization, Order, Source, Split};

#[test]
fn real_mnist_loads_and_verifies() {
    let dataset = Dataset::Mnist;
    let env = Source::from_env(dataset);
    let source = Source::local(env.dir, env.cache);
    let dir = match obtain(dataset, &source) {
        Ok(dir) => dir,
        Err(err) if std::env::var("MNIST_REQUIRED").as_deref() != Ok("1") => {
            println!(
                "skipped: real MNIST not available (set MNIST_DIR, or run data::obtain): {err}"
            );
            return;
        }
        Err(err) => panic!("MNIST_REQUIRED=1 but real MNIST is not available: {err}"),
    };

    let mnist = load(dataset, &dir).expect("verified files load");
    assert_eq!(mnist.train.dim(), (60_000, 784));
    assert_eq!(mnist.test.dim(), (10_000, 784));
    // Held as bytes: 1 per pixel, a quarter of what f32 would take.
    assert_eq!(mnist.train.pixel_bytes(), 60_000 * 784);
    assert_eq!(mnist.test.pixel_bytes(), 10_000 * 784);
    assert_eq!(mnist.train.labels.len(), 60_000);
    assert_eq!(mnist.test.labels.len(), 10_000);
    assert_eq!(mnist.train.labels[0], 5);
    assert_eq!(mnist.test.labels[0], 7);

    // The default statistics are those of the training set: standardized, mean ~0 and std ~1.
    let stats = Normalization::of(mnist.train.images_f32().view());
    assert!(
        stats.mean.abs() < 1e-3 && (stats.std - 1.0).abs() < 1e-3,
        "{stats:?}"
    );

    let (train, val) = mnist.train.split_validation(5_000, 0);
    assert_eq!((train.len(), val.len()), (55_000, 5_000));

    // Bit-identical to the same split normalized up front (f32 storage): same samples, same bits.
    let norm = train.normalization().expect("raw storage");
    let upfront = Split::new(norm.to_f32(train.raw().unwrap()), train.labels.clone());
    let order = Order::Shuffled { seed: 3, epoch: 1 };
    for (a, b) in train
        .batches(100, order, false)
        .zip(upfront.batches(100, order, false))
    {
        assert_eq!((a.labels, a.images.dim()), (b.labels, b.images.dim()));
        assert!(a
            .images
            .iter()
            .zip(&b.images)
            .all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    let batches = train.batches(128, Order::Shuffled { seed: 0, epoch: 0 }, true);
    assert_eq!(batches.len(), 55_000 / 128);
    let mut class_counts = [0usize; 10];
    for batch in batches {
        assert_eq!(batch.images.dim(), (128, 784));
        batch.labels.iter().for_each(|&l| class_counts[l] += 1);
    }
    assert!(class_counts.iter().all(|&c| c > 4_000), "{class_counts:?}");
}

/// The download path end to end, with the real bytes served from a local "mirror": only the
/// missing file is fetched, decompressed, verified and renamed into place.
#[test]
fn download_from_a_mirror_installs_the_missing_file() {
    use std::io::{Read, Write};

    let env = Source::from_env(Dataset::Mnist);
    let Ok(real) = obtain(Dataset::Mnist, &Source::local(env.dir, env.cache)) else {
        println!("skipped: real MNIST not available for the download test");
        return;
    };
    let cache = std::env::temp_dir().join(format!("data-test-mirror-{}", std::process::id()));
    let dir = cache.join("mnist");
    std::fs::create_dir_all(&dir).unwrap();
    for name in [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
    ] {
        std::fs::copy(real.join(name), dir.join(name)).unwrap();
    }
    let labels = std::fs::read(real.join("t10k-labels-idx1-ubyte")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&labels).unwrap();
    let body = gz.finish().unwrap();

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mirror = format!("http://{}/", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0, "request ended early");
            request.extend_from_slice(&buf[..n]);
        }
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });

    let source = Source {
        mirrors: vec![mirror],
        ..Source::local(None, cache.clone())
    };
    let got = obtain(Dataset::Mnist, &source);
    let request = server.join().unwrap();
    let _ = std::fs::remove_dir_all(&cache);
    assert_eq!(got.unwrap(), dir);
    assert!(
        request.starts_with("GET /t10k-labels-idx1-ubyte.gz "),
        "{request}"
    );
}
