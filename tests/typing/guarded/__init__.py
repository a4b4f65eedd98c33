"""Handlers whose annotations name types imported only under ``if TYPE_CHECKING:``."""
