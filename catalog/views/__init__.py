from .applications import (
    ApplicationApproveView,
    ApplicationCreateView,
    ApplicationDetailView,
    ApplicationEditView,
    ApplicationListView,
    ApplicationRejectView,
    ApplicationReviewQueueView,
    ApplicationSubmitView,
)
from .products import (
    ProductBaseInformationEditView,
    ProductDelistView,
    ProductDetailView,
    ProductImageAddView,
    ProductImageRemoveView,
    ProductListForSaleView,
    ProductListView,
    ProductPriceChangeView,
)

__all__ = [
    "ApplicationApproveView",
    "ApplicationCreateView",
    "ApplicationDetailView",
    "ApplicationEditView",
    "ApplicationListView",
    "ApplicationRejectView",
    "ApplicationReviewQueueView",
    "ApplicationSubmitView",
    "ProductBaseInformationEditView",
    "ProductDelistView",
    "ProductDetailView",
    "ProductImageAddView",
    "ProductImageRemoveView",
    "ProductListForSaleView",
    "ProductListView",
    "ProductPriceChangeView",
]
