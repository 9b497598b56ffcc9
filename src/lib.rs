pub mod syntax;
pub mod taxonomy;
