//! The `Tensor`: a cheap handle to one node of the computation graph.
//!
//! A node holds four things:
//! - its **value** (an `ndarray::ArrayD<f32>`),
//! - its **gradient slot** (filled by `backward()` on leaves that require a gradient),
//! - whether it **requires a gradient**,
//! - and, for a tensor made by an op, the **grad_fn**: the op and the input tensors it was made from.
//!
//! Cloning a `Tensor` clones the handle (an `Rc`), not the data, exactly like assigning a
//! `torch.Tensor` to a second Python name.

use std::cell::{Cell, Ref, RefCell, RefMut};
use std::fmt;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{ArrayD, IxDyn};
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};

use crate::op::GradFn;

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A shape/data mismatch found when building a tensor from outside data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// The shape asked for.
    pub shape: Vec<usize>,
    /// How many elements were given.
    pub len: usize,
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let need: usize = self.shape.iter().product();
        write!(
            f,
            "shape {:?} needs {need} elements but {} were given",
            self.shape, self.len
        )
    }
}

impl std::error::Error for ShapeError {}

pub(crate) struct Node {
    pub(crate) id: usize,
    pub(crate) value: RefCell<ArrayD<f32>>,
    pub(crate) grad: RefCell<Option<ArrayD<f32>>>,
    pub(crate) requires_grad: Cell<bool>,
    /// `Some` for a tensor made by an op whose graph has not been released yet.
    pub(crate) grad_fn: RefCell<Option<GradFn>>,
    /// Set when `backward()` released this node's `grad_fn`; a second backward through it is an error.
    pub(crate) released: Cell<bool>,
    /// For non-leaf tensors: keep the gradient in `grad` as well (PyTorch's `retain_grad()`).
    pub(crate) retains_grad: Cell<bool>,
    /// A name the user gave (`a`, `0.weight`), shown by the graph printers.
    pub(crate) name: RefCell<Option<String>>,
    /// Functions that see (and may replace) the gradient as backward passes (`hooks.rs`).
    pub(crate) hooks: RefCell<Vec<crate::hooks::GradHook>>,
}

/// An n-dimensional array of `f32` that remembers how it was computed.
///
/// Build leaves with [`Tensor::from_vec`], [`Tensor::zeros`], [`Tensor::randn`], … and mark the ones
/// you want gradients for with [`Tensor::requires_grad`]. Every op on tensors records a node in a
/// dynamic graph; [`Tensor::backward`] on a scalar walks that graph in reverse and leaves
/// `∂loss/∂leaf` in each leaf's [`Tensor::grad`].
///
/// ```
/// use autograd::Tensor;
/// let x = Tensor::from_vec(vec![3.0], &[1]).unwrap().requires_grad();
/// let y = &(&x * &x) + &(&x * 5.0); // y = x² + 5x
/// y.sum().backward();
/// assert_eq!(x.grad().unwrap()[[0]], 11.0); // dy/dx = 2x + 5 = 11
/// ```
#[derive(Clone)]
pub struct Tensor(pub(crate) Rc<Node>);

/// Wraps an array of any dimension as a leaf tensor (no copy), as [`Tensor::from_array`]:
/// `model.forward(&batch.images.into())`.
impl<D: ndarray::Dimension> From<ndarray::Array<f32, D>> for Tensor {
    fn from(value: ndarray::Array<f32, D>) -> Tensor {
        Tensor::from_array(value.into_dyn())
    }
}

impl Tensor {
    // ---------------------------------------------------------------- construction

    /// Wraps an ndarray array as a leaf tensor (no copy). It does not require a gradient.
    pub fn from_array(value: ArrayD<f32>) -> Tensor {
        Tensor::new_node(value, false, None)
    }

    /// A leaf tensor from row-major data and a shape.
    ///
    /// # Errors
    /// [`ShapeError`] when `data.len()` is not the product of `shape`.
    pub fn from_vec(data: Vec<f32>, shape: &[usize]) -> Result<Tensor, ShapeError> {
        let len = data.len();
        ArrayD::from_shape_vec(IxDyn(shape), data)
            .map(Tensor::from_array)
            .map_err(|_| ShapeError {
                shape: shape.to_vec(),
                len,
            })
    }

    /// A 0-dimensional tensor holding `value`.
    pub fn scalar(value: f32) -> Tensor {
        Tensor::from_array(ArrayD::from_elem(IxDyn(&[]), value))
    }

    /// A tensor of the given shape filled with `value`.
    pub fn full(shape: &[usize], value: f32) -> Tensor {
        Tensor::from_array(ArrayD::from_elem(IxDyn(shape), value))
    }

    /// A tensor of zeros.
    pub fn zeros(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 0.0)
    }

    /// A tensor of ones.
    pub fn ones(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 1.0)
    }

    /// Samples from the normal distribution `N(mean, std²)` with the caller's generator, so the
    /// same seed gives the same tensor.
    ///
    /// # Panics
    /// If `std` is negative or not finite.
    pub fn randn<R: Rng + ?Sized>(shape: &[usize], mean: f32, std: f32, rng: &mut R) -> Tensor {
        let normal = Normal::new(mean, std)
            .unwrap_or_else(|_| panic!("Tensor::randn: invalid standard deviation {std}"));
        let n = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| normal.sample(rng)).collect();
        Tensor::from_array(ArrayD::from_shape_vec(IxDyn(shape), data).expect("n matches shape"))
    }

    /// Samples uniformly from `[low, high)` with the caller's generator.
    ///
    /// # Panics
    /// If `low >= high` or a bound is not finite.
    pub fn rand_uniform<R: Rng + ?Sized>(
        shape: &[usize],
        low: f32,
        high: f32,
        rng: &mut R,
    ) -> Tensor {
        let uniform = Uniform::new(low, high)
            .unwrap_or_else(|_| panic!("Tensor::rand_uniform: invalid range [{low}, {high})"));
        let n = shape.iter().product();
        let data: Vec<f32> = (0..n).map(|_| uniform.sample(rng)).collect();
        Tensor::from_array(ArrayD::from_shape_vec(IxDyn(shape), data).expect("n matches shape"))
    }

    /// Marks this leaf as needing a gradient (PyTorch's `requires_grad_()`), returning it.
    ///
    /// # Panics
    /// If called on a tensor made by an op: only leaves are marked (use `detach()` first).
    pub fn requires_grad(self) -> Tensor {
        assert!(
            self.is_leaf(),
            "requires_grad(): only a leaf tensor can be marked; this one was made by `{}`",
            self.op_name().unwrap_or("?")
        );
        self.0.requires_grad.set(true);
        self
    }

    /// Turns gradient tracking of a leaf on or off (freezing a parameter, say).
    ///
    /// # Panics
    /// If called on a tensor made by an op.
    #[track_caller]
    pub fn set_requires_grad(&self, on: bool) {
        assert!(
            self.is_leaf(),
            "set_requires_grad(): only a leaf tensor can be marked"
        );
        self.0.requires_grad.set(on);
    }

    pub(crate) fn new_node(
        value: ArrayD<f32>,
        requires_grad: bool,
        grad_fn: Option<GradFn>,
    ) -> Tensor {
        Tensor(Rc::new(Node {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            value: RefCell::new(value),
            grad: RefCell::new(None),
            requires_grad: Cell::new(requires_grad),
            grad_fn: RefCell::new(grad_fn),
            released: Cell::new(false),
            retains_grad: Cell::new(false),
            name: RefCell::new(None),
            hooks: RefCell::new(Vec::new()),
        }))
    }

    // ---------------------------------------------------------------- reading

    /// A process-unique number naming this node (used by graph printing and optimizers).
    pub fn id(&self) -> usize {
        self.0.id
    }

    /// Borrows the value.
    ///
    /// Its memory order is the op's choice (products are column-major, see
    /// [`crate::backend::gemm::Layout`]): index or iterate it, which is always in logical order, or call
    /// `as_standard_layout()` when a row-major slice is needed.
    ///
    /// # Panics
    /// If the value is mutably borrowed at the same time (through [`Tensor::value_mut`]).
    pub fn value(&self) -> Ref<'_, ArrayD<f32>> {
        self.0.value.borrow()
    }

    /// Mutably borrows the value, for in-place updates by an optimizer. Changing a value that a
    /// live graph still needs for its backward pass gives wrong gradients, as in PyTorch.
    pub fn value_mut(&self) -> RefMut<'_, ArrayD<f32>> {
        self.0.value.borrow_mut()
    }

    /// Replaces the value (same shape required).
    ///
    /// # Panics
    /// If the new value has a different shape.
    #[track_caller]
    pub fn set_value(&self, value: ArrayD<f32>) {
        let mut slot = self.0.value.borrow_mut();
        assert_eq!(
            slot.shape(),
            value.shape(),
            "set_value: shape {:?} does not match the tensor's {:?}",
            value.shape(),
            slot.shape()
        );
        *slot = value;
    }

    /// The shape of the value.
    pub fn shape(&self) -> Vec<usize> {
        self.0.value.borrow().shape().to_vec()
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.0.value.borrow().len()
    }

    /// True for a tensor with no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The single value of a one-element tensor (a loss, say).
    ///
    /// # Panics
    /// If the tensor has more than one element.
    #[track_caller]
    pub fn item(&self) -> f32 {
        let v = self.0.value.borrow();
        assert_eq!(
            v.len(),
            1,
            "item(): tensor of shape {:?} is not a scalar",
            v.shape()
        );
        *v.iter().next().expect("one element")
    }

    /// The values in row-major order.
    pub fn to_vec(&self) -> Vec<f32> {
        self.0.value.borrow().iter().copied().collect()
    }

    /// Whether gradients flow into this tensor.
    pub fn needs_grad(&self) -> bool {
        self.0.requires_grad.get()
    }

    /// True for tensors not made by an op (or whose graph was released).
    pub fn is_leaf(&self) -> bool {
        self.0.grad_fn.borrow().is_none() && !self.0.released.get()
    }

    /// The name of the op that made this tensor, if any.
    pub fn op_name(&self) -> Option<&'static str> {
        self.0.grad_fn.borrow().as_ref().map(|f| f.op.name())
    }

    /// The accumulated gradient `∂loss/∂self`, if a backward pass reached this tensor.
    pub fn grad(&self) -> Option<Ref<'_, ArrayD<f32>>> {
        Ref::filter_map(self.0.grad.borrow(), |g| g.as_ref()).ok()
    }

    /// The gradient slot itself, for optimizers that read the gradient while writing the value.
    pub fn grad_slot(&self) -> RefMut<'_, Option<ArrayD<f32>>> {
        self.0.grad.borrow_mut()
    }

    /// Clears the gradient (PyTorch's `zero_grad(set_to_none=True)`).
    pub fn zero_grad(&self) {
        self.0.grad.borrow_mut().take();
    }

    /// Asks `backward()` to keep this intermediate tensor's gradient too (PyTorch's `retain_grad()`).
    pub fn retain_grad(&self) {
        self.0.retains_grad.set(true);
    }

    /// Gives this tensor a name, returning it: the graph pictures label it with the name
    /// ([`Tensor::to_svg`], [`Tensor::graph`]), as micrograd's `Value(2.0, label='a')`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let a = Tensor::scalar(2.0).requires_grad().named("a");
    /// assert_eq!(a.name().as_deref(), Some("a"));
    /// ```
    pub fn named(self, name: impl Into<String>) -> Tensor {
        self.set_name(name);
        self
    }

    /// Names (or renames) this tensor; see [`Tensor::named`].
    pub fn set_name(&self, name: impl Into<String>) {
        *self.0.name.borrow_mut() = Some(name.into());
    }

    /// The name given with [`Tensor::named`], if any.
    pub fn name(&self) -> Option<String> {
        self.0.name.borrow().clone()
    }

    /// A new leaf sharing no graph with `self`: same value (copied), no gradient history.
    pub fn detach(&self) -> Tensor {
        Tensor::from_array(self.0.value.borrow().clone())
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0.value.borrow();
        write!(f, "Tensor(shape={:?}", v.shape())?;
        if let Some(name) = self.op_name() {
            write!(f, ", op={name}")?;
        }
        if self.0.requires_grad.get() {
            write!(f, ", requires_grad")?;
        }
        write!(f, ", value={v})")
    }
}
