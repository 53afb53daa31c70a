from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product-detail"),
    path(
        "products/<int:pk>/edit/",
        views.ProductBaseInformationEditView.as_view(),
        name="product-edit",
    ),
    path(
        "products/<int:pk>/prices/", views.ProductPriceChangeView.as_view(), name="product-prices"
    ),
    path(
        "products/<int:pk>/images/", views.ProductImageAddView.as_view(), name="product-image-add"
    ),
    path(
        "products/<int:pk>/images/<int:image_pk>/remove/",
        views.ProductImageRemoveView.as_view(),
        name="product-image-remove",
    ),
    path(
        "products/<int:pk>/list-for-sale/",
        views.ProductListForSaleView.as_view(),
        name="product-list-for-sale",
    ),
    path("products/<int:pk>/delist/", views.ProductDelistView.as_view(), name="product-delist"),
    path("applications/", views.ApplicationListView.as_view(), name="application-list"),
    path(
        "applications/review/",
        views.ApplicationReviewQueueView.as_view(),
        name="application-review-queue",
    ),
    path("applications/new/", views.ApplicationCreateView.as_view(), name="application-create"),
    path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"
    ),
    path(
        "applications/<int:pk>/edit/", views.ApplicationEditView.as_view(), name="application-edit"
    ),
    path(
        "applications/<int:pk>/submit/",
        views.ApplicationSubmitView.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<int:pk>/approve/",
        views.ApplicationApproveView.as_view(),
        name="application-approve",
    ),
    path(
        "applications/<int:pk>/reject/",
        views.ApplicationRejectView.as_view(),
        name="application-reject",
    ),
]
